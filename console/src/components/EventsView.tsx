import { useEffect, useRef, useState } from 'preact/hooks';
import { api, EventPage, EventView, Facets, Histogram, PersonNow, queryString } from '../api';
import { Chip } from '../query-syntax';
import { formatTime, Zone, zoneOffset } from '../time';
import { EventDialog } from './EventDialog';
import { FacetList } from './FacetList';
import { HistogramChart } from './HistogramChart';

const PAGE = 50;

interface Props {
  project: string;
  /** The listing's filters (query parameters). */
  filters: Record<string, string>;
  zone: Zone;
  /** Facets not worth showing here (the person page's own actor). */
  hideFacets?: string[];
  onFilter: (chip: Chip) => void;
  onRange: (from: Date, to: Date) => void;
  openEvent: string | null;
  onOpenEvent: (id: string | null) => void;
  /** Tells the page the first events arrived (and when the histogram did), for its own summary. */
  onHistogram?: (histogram: Histogram | null) => void;
}

/** The events that match, with their histogram, facet counts and export: the heart of every page. */
export function EventsView({ project, filters, zone, hideFacets = [], onFilter, onRange, openEvent, onOpenEvent, onHistogram }: Props) {
  const [events, setEvents] = useState<EventView[] | null>(null);
  const [people, setPeople] = useState<Record<string, PersonNow>>({});
  const [cursor, setCursor] = useState<string | null>(null);
  const [histogram, setHistogram] = useState<Histogram | null>(null);
  const [facets, setFacets] = useState<Facets | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [resolution, setResolution] = useState<EventPage['actor']>(undefined);
  const sentinel = useRef<HTMLDivElement>(null);
  const params = { project, ...filters };
  const key = JSON.stringify(params) + zone;

  useEffect(() => {
    const abort = new AbortController();
    setEvents(null);
    setHistogram(null);
    setFacets(null);
    setError(null);
    onHistogram?.(null);
    const fail = (e: unknown) => {
      if (!abort.signal.aborted) setError(e instanceof Error ? e.message : String(e));
    };
    api<EventPage>(`/audit/v1/events${queryString({ ...params, limit: String(PAGE), with: 'people' })}`, { signal: abort.signal }).then((page) => {
      setEvents(page.events);
      setPeople(page.people ?? {});
      setCursor(page.next_cursor);
      setResolution(page.actor);
    }, fail);
    api<Histogram>(`/audit/v1/events/histogram${queryString({ ...params, tz_offset: String(zoneOffset(zone)) })}`, { signal: abort.signal }).then((h) => {
      setHistogram(h);
      onHistogram?.(h);
    }, fail);
    api<Facets>(`/audit/v1/events/facets${queryString(params)}`, { signal: abort.signal }).then(setFacets, fail);
    return () => abort.abort();
  }, [key]);

  const more = async () => {
    if (!cursor || loadingMore) return;
    setLoadingMore(true);
    try {
      const page = await api<EventPage>(`/audit/v1/events${queryString({ ...params, limit: String(PAGE), cursor, with: 'people' })}`);
      setEvents((current) => [...(current ?? []), ...page.events]);
      setPeople((current) => ({ ...current, ...(page.people ?? {}) }));
      setCursor(page.next_cursor);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setLoadingMore(false);
    }
  };

  // More on scroll: the sentinel below the table coming into view loads the next page.
  useEffect(() => {
    const target = sentinel.current;
    if (!target || !cursor) return;
    const observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && void more(), { rootMargin: '400px' });
    observer.observe(target);
    return () => observer.disconnect();
  }, [cursor, loadingMore, key]);

  const total = histogram
    ? histogram.complete
      ? `${histogram.total.toLocaleString('en-US')} event${histogram.total === 1 ? '' : 's'}`
      : `more than ${histogram.total.toLocaleString('en-US')} events`
    : 'counting…';
  const exportHref = (format: string) => `/audit/v1/events/export${queryString({ ...params, format })}`;

  return (
    <div class="layout">
      <section aria-label="Events">
        <div class="panel">
          <h2>Activity</h2>
          {histogram ? <HistogramChart histogram={histogram} zone={zone} onRange={onRange} /> : <p aria-live="polite">Counting…</p>}
        </div>
        <div class="summary">
          <span class="total" aria-live="polite" data-testid="total">
            {total}
          </span>
          {resolution ? <ResolutionNote resolution={resolution} /> : null}
          <span>
            Export:{' '}
            <a href={exportHref('csv')} download>
              CSV
            </a>{' '}
            ·{' '}
            <a href={exportHref('ndjson')} download>
              NDJSON
            </a>
          </span>
        </div>
        {error ? (
          <p class="error" role="alert">
            {error}
          </p>
        ) : null}
        {events === null ? (
          <p aria-live="polite">Loading events…</p>
        ) : events.length === 0 ? (
          <p>No events match.</p>
        ) : (
          <table class="events">
            <caption class="visually-hidden">Matching events, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Person</th>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
                <th scope="col">Group</th>
                <th scope="col">Address</th>
              </tr>
            </thead>
            <tbody>
              {events.map((event) => (
                <EventRow event={event} now={event.actor?.guid ? people[event.actor.guid] : undefined} zone={zone} onOpen={() => onOpenEvent(event.id)} />
              ))}
            </tbody>
          </table>
        )}
        <div ref={sentinel} />
        {cursor ? (
          <button type="button" class="btn" onClick={more} disabled={loadingMore}>
            {loadingMore ? 'Loading…' : 'Load more events'}
          </button>
        ) : events && events.length > 0 ? (
          <p class="notice">That is every matching event.</p>
        ) : null}
      </section>
      <aside aria-label="Facets">
        <div class="panel">
          <h2>Counts</h2>
          {facets ? <FacetList facets={facets} hide={hideFacets} onFilter={onFilter} /> : <p>Counting…</p>}
        </div>
      </aside>
      {openEvent ? <EventDialog project={project} id={openEvent} zone={zone} onClose={() => onOpenEvent(null)} /> : null}
    </div>
  );
}

function ResolutionNote({ resolution }: { resolution: NonNullable<EventPage['actor']> }) {
  if (resolution.status === 'pending')
    return (
      <span class="badge pending" role="status">
        directory not reachable: only the name as typed matched, the list may be incomplete
      </span>
    );
  if (resolution.status === 'unknown') return <span class="notice">not in the directory: matched as a raw actor id</span>;
  return <span class="notice">all names of the person matched ({resolution.matched_ids.length})</span>;
}

export function personName(event: EventView): string {
  const actor = event.actor;
  if (!actor) return 'anonymous';
  return actor.name ?? actor.username ?? actor.id;
}

function EventRow({ event, now, zone, onOpen }: { event: EventView; now?: PersonNow; zone: Zone; onOpen: () => void }) {
  const then = personName(event);
  // Compare like with like: a logged display name with today's, a username with today's username.
  const current = now ? (event.actor?.name ? now.display_name : (now.username ?? now.display_name)) : null;
  const renamed = current !== null && current !== then;
  return (
    <tr
      tabIndex={0}
      aria-label={`${formatTime(event.created, zone)}: ${then} ${event.action}${event.is_failure ? ', failed' : ''}. Open details`}
      onClick={onOpen}
      onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), onOpen())}
    >
      <td class="time" data-label="Time">
        {formatTime(event.created, zone)}
      </td>
      <td data-label="Person">
        {then}
        {event.identity_status === 'pending' ? <span class="badge pending">pending</span> : null}
        {renamed ? <span class="now">now {current}</span> : null}
        {now?.deleted ? <span class="badge deleted">deleted</span> : null}
      </td>
      <td data-label="Action">
        {event.action}
        {event.is_failure ? <span class="badge failure">failed</span> : null}
      </td>
      <td data-label="Target">{event.target ? (event.target.name ?? event.target.id) : '—'}</td>
      <td data-label="Group">{event.group ? (event.group.name ?? event.group.id) : '—'}</td>
      <td data-label="Address">{event.source_ip ?? '—'}</td>
    </tr>
  );
}
