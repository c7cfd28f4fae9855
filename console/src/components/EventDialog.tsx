import { useEffect, useRef, useState } from 'preact/hooks';
import { api, EventDetail, queryString } from '../api';
import { formatTime, Zone } from '../time';

const STATUS: Record<string, string> = {
  resolved: 'resolved to a directory person',
  pending: 'pending: the directory could not be asked yet; it is retried',
  unknown: 'unknown: no directory person has this name',
};

/** A name and, set apart, the id it was logged with (not repeated when they are the same), and a kind. */
function Named({ name, id, kind }: { name: string | null; id: string; kind?: string | null }) {
  const main = name || id;
  return (
    <>
      {main}
      {name && name !== id ? <span class="names"> id {id}</span> : null}
      {kind ? <span class="names"> · {kind}</span> : null}
    </>
  );
}

/** Everything about one event: its fields, how its actor was attributed, its hash and its seal. */
export function EventDialog({ project, id, zone, onClose }: { project: string; id: string; zone: Zone; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [detail, setDetail] = useState<EventDetail | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const element = dialog.current!;
    const opener = document.activeElement as HTMLElement | null;
    if (!element.open) element.showModal();
    const cancel = (e: Event) => {
      e.preventDefault();
      onClose();
    };
    element.addEventListener('cancel', cancel);
    return () => {
      element.removeEventListener('cancel', cancel);
      opener?.focus?.();
    };
  }, []);

  useEffect(() => {
    setDetail(null);
    api<EventDetail>(`/audit/v1/events/${encodeURIComponent(id)}${queryString({ project })}`).then(setDetail, (e: unknown) =>
      setError(e instanceof Error ? e.message : String(e)),
    );
  }, [id, project]);

  const e = detail?.event;
  const a = detail?.attribution;
  return (
    <dialog ref={dialog} class="detail" aria-labelledby="detail-title">
      <div class="head">
        <h2 id="detail-title">{e ? `${e.action}` : 'Event'}</h2>
        <button type="button" class="btn" onClick={onClose}>
          Close
        </button>
      </div>
      <div class="body">
        {error ? (
          <p class="error" role="alert">
            {error}
          </p>
        ) : null}
        {!detail || !e || !a ? (
          !error && <p aria-live="polite">Loading…</p>
        ) : (
          <>
            <section aria-labelledby="detail-fields">
              <h3 id="detail-fields">Fields</h3>
              <dl class="fields">
                <dt>Happened</dt>
                <dd>{formatTime(e.created, zone)}</dd>
                <dt>Received</dt>
                <dd>{formatTime(e.received, zone)}</dd>
                <dt>Action</dt>
                <dd>
                  {e.action}
                  {e.crud ? ` (${e.crud})` : ''}
                  {e.is_failure ? <span class="badge failure">failed</span> : null}
                </dd>
                <dt>Description</dt>
                <dd>{e.description ?? '—'}</dd>
                <dt>Actor</dt>
                <dd>{e.actor ? <Named name={e.actor.name} id={e.actor.id} /> : 'anonymous'}</dd>
                <dt>Target</dt>
                <dd>{e.target ? <Named name={e.target.name} id={e.target.id} kind={e.target.type} /> : '—'}</dd>
                <dt>Group</dt>
                <dd>{e.group ? <Named name={e.group.name} id={e.group.id} /> : '—'}</dd>
                <dt>Source address</dt>
                <dd>{e.source_ip ?? '—'}</dd>
                <dt>Project</dt>
                <dd>
                  {e.project_id} (event {e.seq})
                </dd>
                <dt>Event id</dt>
                <dd>{e.id}</dd>
                {Object.entries(e.fields ?? {}).map(([k, v]) => (
                  <>
                    <dt>{`fields.${k}`}</dt>
                    <dd>{v}</dd>
                  </>
                ))}
              </dl>
            </section>
            <section aria-labelledby="detail-attribution">
              <h3 id="detail-attribution">Attribution</h3>
              <dl class="fields">
                <dt>Status</dt>
                <dd>{STATUS[a.status] ?? a.status}</dd>
                <dt>Logged as</dt>
                <dd>{a.logged_as ?? '—'}</dd>
                <dt>Matched by</dt>
                <dd>{a.matched_by ?? '—'}</dd>
                <dt>Directory GUID</dt>
                <dd>{a.guid ?? '—'}</dd>
                <dt>DN then</dt>
                <dd>{a.dn ?? '—'}</dd>
                <dt>Person now</dt>
                <dd>
                  {a.person_now
                    ? `${a.person_now.display_name ?? a.person_now.username ?? a.person_now.guid}${a.person_now.email ? ` <${a.person_now.email}>` : ''}`
                    : '—'}
                  {a.person_now?.deleted ? <span class="badge deleted">deleted</span> : null}
                  {a.person_now?.disabled ? <span class="badge disabled">disabled</span> : null}
                </dd>
                {a.former_names.length > 0 ? (
                  <>
                    <dt>Former names</dt>
                    <dd>{a.former_names.join(', ')}</dd>
                  </>
                ) : null}
              </dl>
            </section>
            <section aria-labelledby="detail-integrity">
              <h3 id="detail-integrity">Integrity</h3>
              <dl class="fields">
                <dt>Retraced hash</dt>
                <dd>{e.hash ?? '—'}</dd>
                <dt>Seal</dt>
                <dd>
                  {detail.integrity.sealed ? (
                    <>
                      <span class="badge ok">sealed</span> in the seal of events {detail.integrity.seal.seq_from}–{detail.integrity.seal.seq_to},{' '}
                      {formatTime(detail.integrity.seal.sealed_at, zone)}: <code>{detail.integrity.seal.seal}</code>
                    </>
                  ) : (
                    <>
                      <span class="badge pending">not yet sealed</span> {detail.integrity.reason}
                    </>
                  )}
                </dd>
              </dl>
            </section>
            <section aria-labelledby="detail-raw">
              <h3 id="detail-raw">Raw JSON</h3>
              <pre class="raw" tabIndex={0} aria-label="The event as JSON">
                {JSON.stringify(e, null, 2)}
              </pre>
            </section>
          </>
        )}
      </div>
    </dialog>
  );
}
