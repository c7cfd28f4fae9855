import { useEffect, useState } from 'preact/hooks';
import { api, IntegrityReport, queryString } from '../api';
import type { Zone } from '../time';

/** The project's chain of seals, recomputed from the stored events: whether anything sealed was changed. */
export function IntegrityPage({ project }: { project: string; zone: Zone }) {
  const [report, setReport] = useState<IntegrityReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [checkedAt, setCheckedAt] = useState(0);

  useEffect(() => {
    setReport(null);
    setError(null);
    api<IntegrityReport>(`/audit/v1/integrity${queryString({ project })}`).then(setReport, (e: unknown) =>
      setError(e instanceof Error ? e.message : String(e)),
    );
  }, [project, checkedAt]);

  return (
    <section class="panel" aria-labelledby="integrity-title">
      <h2 id="integrity-title">Integrity of project {project}</h2>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      {!report ? (
        !error && <p aria-live="polite">Verifying every seal…</p>
      ) : (
        <>
          <p role="status">
            {report.ok ? <span class="badge ok">intact</span> : <span class="badge deleted">problems found</span>}{' '}
            {report.ok
              ? 'Every sealed event matches its seal, and the seals form one unbroken chain.'
              : `${report.problem_count} problem${report.problem_count === 1 ? '' : 's'} in the chain.`}
          </p>
          <dl class="fields">
            <dt>Sealed events</dt>
            <dd>
              {report.sealed_events.toLocaleString('en-US')} (through event {report.sealed_through_seq})
            </dd>
            <dt>Seals</dt>
            <dd>{report.seals.toLocaleString('en-US')}</dd>
            <dt>Not yet sealed</dt>
            <dd>{report.unsealed_events.toLocaleString('en-US')} (the next sealing pass covers them)</dd>
            <dt>Newest seal</dt>
            <dd>
              <code>{report.head ?? '—'}</code>
            </dd>
          </dl>
          {report.problems.length > 0 ? (
            <table class="problems">
              <caption>Problem ranges</caption>
              <thead>
                <tr>
                  <th scope="col">Events</th>
                  <th scope="col">Problem</th>
                </tr>
              </thead>
              <tbody>
                {report.problems.map((p) => (
                  <tr>
                    <td>
                      {p.seq_from}–{p.seq_to}
                    </td>
                    <td>{p.problem}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          <p>
            <button type="button" class="btn" onClick={() => setCheckedAt(Date.now())}>
              Verify again
            </button>
          </p>
        </>
      )}
    </section>
  );
}
