import { Chip, formatQuery, parseQuery, toFilters, withChip } from '../query-syntax';
import { navigate, Route, withParams } from '../route';
import type { Zone } from '../time';
import { EventsView } from './EventsView';
import { QueryBar } from './QueryBar';

/** Searching every event of the project with the query bar. */
export function SearchPage({ route, project, zone }: { route: Route; project: string; zone: Zone }) {
  const q = route.params.get('q') ?? '';
  const parsed = parseQuery(q);
  const search = (text: string) => navigate(withParams(route, { q: text, event: undefined }));
  const addChip = (chip: Chip) => search(formatQuery(withChip(parsed, chip)));
  return (
    <>
      <h2 class="visually-hidden">Search events</h2>
      <QueryBar value={q} onSearch={search} label="Search events" />
      <EventsView
        project={project}
        filters={toFilters(parsed)}
        zone={zone}
        onFilter={addChip}
        onRange={(from, to) =>
          search(formatQuery(withChip(withChip(parsed, { key: 'since', value: from.toISOString() }), { key: 'until', value: to.toISOString() })))
        }
        openEvent={route.params.get('event')}
        onOpenEvent={(id) => navigate(withParams(route, { event: id ?? undefined }))}
      />
    </>
  );
}
