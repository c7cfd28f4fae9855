import type { Facets } from '../api';
import type { Chip, Qualifier } from '../query-syntax';

const FIELDS: { field: keyof Facets['facets']; title: string; qualifier: Qualifier }[] = [
  { field: 'action', title: 'Top actions', qualifier: 'action' },
  { field: 'actor', title: 'Top people', qualifier: 'actor' },
  { field: 'target', title: 'Top targets', qualifier: 'target' },
  { field: 'group', title: 'Groups', qualifier: 'group' },
  { field: 'source_ip', title: 'Source addresses', qualifier: 'ip' },
  { field: 'failure', title: 'Outcome', qualifier: 'failure' },
];

/** Each facet value is a button that filters by it. */
export function FacetList({ facets, hide, onFilter }: { facets: Facets; hide: string[]; onFilter: (chip: Chip) => void }) {
  return (
    <div>
      {facets.total === 0 ? <p class="notice">Nothing to count: no event matches.</p> : null}
      {!facets.complete ? <p class="notice">Counted over the newest {facets.total.toLocaleString('en-US')} matching events.</p> : null}
      {FIELDS.filter((f) => !hide.includes(f.field) && facets.facets[f.field].length > 0).map(({ field, title, qualifier }) => (
        <div class="facet" role="group" aria-labelledby={`facet-${field}`}>
          <h3 id={`facet-${field}`}>{title}</h3>
          <ul>
            {facets.facets[field].map((v) => {
              const shown = field === 'failure' ? (v.value === 'true' ? 'failed' : 'succeeded') : (v.label ?? v.value);
              return (
                <li>
                  <button type="button" onClick={() => onFilter({ key: qualifier, value: v.value })}>
                    <span class="value">
                      <span class="visually-hidden">Filter by {title.toLowerCase()}: </span>
                      {shown}
                      {v.label && v.label !== v.value ? <span class="names"> {v.value}</span> : null}
                    </span>
                    <span class="count">
                      {v.count.toLocaleString('en-US')}
                      <span class="visually-hidden"> events</span>
                    </span>
                  </button>
                </li>
              );
            })}
          </ul>
        </div>
      ))}
    </div>
  );
}
