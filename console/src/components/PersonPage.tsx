import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, Histogram, Person } from '../api';
import { Chip, formatQuery, parseQuery, toFilters, withChip } from '../query-syntax';
import { navigate, Route, withParams } from '../route';
import { formatTime, Zone } from '../time';
import { link } from './App';
import { EventsView } from './EventsView';
import { QueryBar } from './QueryBar';

/**
 * Everything one person did (or had done to them), under every name they were logged by: their
 * identity card, activity histogram, facet counts and events.
 */
export function PersonPage({ route, project, zone, directory }: { route: Route; project: string; zone: Zone; directory: boolean }) {
  const identifier = route.person!;
  const [person, setPerson] = useState<Person | null | undefined>(directory ? undefined : null);
  const [lookupNote, setLookupNote] = useState<string | null>(null);
  const [activity, setActivity] = useState<Histogram | null>(null);
  const tab = route.params.get('tab') === 'to' ? 'to' : 'by';
  const q = route.params.get('q') ?? '';
  const parsed = parseQuery(q);

  useEffect(() => {
    if (!directory) return;
    api<Person>(`/identity/v1/user/${encodeURIComponent(identifier)}`).then(setPerson, (error: unknown) => {
      setPerson(null);
      setLookupNote(
        error instanceof ApiError && error.status === 404
          ? 'The directory knows nobody by this name: shown as the raw actor id.'
          : `The directory could not be asked: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
  }, [identifier, directory]);

  const search = (text: string) => navigate(withParams(route, { q: text, event: undefined }));
  const addChip = (chip: Chip) => search(formatQuery(withChip(parsed, chip)));
  const filters = { ...toFilters(parsed), ...(tab === 'by' ? { actor: person?.guid ?? identifier } : { target_person: person?.guid ?? identifier }) };
  const name = person ? (person.display_name ?? person.username ?? person.email ?? person.guid) : identifier;
  const first = activity?.first;
  const last = activity?.last;

  return (
    <>
      <section class="panel card" aria-labelledby="person-name">
        <h2 id="person-name">
          {name}
          {person?.deleted ? <span class="badge deleted">deleted</span> : null}
          {person?.disabled ? <span class="badge disabled">disabled</span> : null}
          {person === null ? <span class="badge pending">not in the directory</span> : null}
        </h2>
        {person === undefined ? <p aria-live="polite">Looking the person up…</p> : null}
        {lookupNote ? <p class="notice">{lookupNote}</p> : null}
        {person ? (
          <dl class="fields">
            <dt>Username</dt>
            <dd>{person.username ?? '—'}</dd>
            <dt>Email</dt>
            <dd>{person.email ?? '—'}</dd>
            <dt>UPN</dt>
            <dd>{person.upn ?? '—'}</dd>
            <dt>DN</dt>
            <dd>{person.dn ?? '—'}</dd>
            <dt>GUID</dt>
            <dd>{person.guid}</dd>
            <dt>Former names</dt>
            <dd>{person.former_names && person.former_names.length > 0 ? person.former_names.join(', ') : 'none known'}</dd>
            <dt>Groups</dt>
            <dd>{person.groups.length > 0 ? person.groups.join(', ') : 'none'}</dd>
            <dt>In the directory</dt>
            <dd>
              {person.first_seen ? `first seen ${formatTime(person.first_seen, zone)}` : '—'}
              {person.last_seen ? `, last seen ${formatTime(person.last_seen, zone)}` : ''}
            </dd>
          </dl>
        ) : null}
        <p class="notice" aria-live="polite">
          {first && last ? `First event ${formatTime(first, zone)}, last ${formatTime(last, zone)} (in this view).` : activity ? 'No events in this view.' : ''}
        </p>
      </section>
      <nav class="tabs" aria-label="Whose events">
        <a href={withParams(route, { tab: undefined, event: undefined })} aria-current={tab === 'by' ? 'page' : undefined} onClick={link}>
          Done by {name}
        </a>
        <a href={withParams(route, { tab: 'to', event: undefined })} aria-current={tab === 'to' ? 'page' : undefined} onClick={link}>
          Done to {name}
        </a>
      </nav>
      <QueryBar value={q} onSearch={search} label={`Search the events of ${name}`} />
      {person !== undefined ? (
        <EventsView
          project={project}
          filters={filters}
          zone={zone}
          hideFacets={tab === 'by' ? ['actor'] : []}
          onFilter={addChip}
          onRange={(from, to) =>
            search(formatQuery(withChip(withChip(parsed, { key: 'since', value: from.toISOString() }), { key: 'until', value: to.toISOString() })))
          }
          openEvent={route.params.get('event')}
          onOpenEvent={(id) => navigate(withParams(route, { event: id ?? undefined }))}
          onHistogram={setActivity}
        />
      ) : null}
    </>
  );
}
