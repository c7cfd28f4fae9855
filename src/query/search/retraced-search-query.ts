import { InvalidInputException } from '../../infrastructure/http/api-error';
import { checkSearchText } from '../../event-store/event-search-dialect';
import type { Crud } from '../../event-store/audit-event';
import type { EventFilter, TimeRange } from '../../event-store/event-query';

const CRUD = new Set(['c', 'r', 'u', 'd']);
const TOKEN = /\s*(?:([A-Za-z_][\w.]*):)?(?:"((?:[^"\\]|\\.)*)"|(\S+))/y;

function refuse(message: string, field = 'query'): InvalidInputException {
  return new InvalidInputException([{ field, rule: 'isSearchQuery', message }]);
}

function parseRange(keyword: string, value: string): TimeRange {
  const parts = value.split(',');
  if (parts.length !== 2) throw refuse(`${keyword}: needs a range START,END (either end may be empty), got "${value}"`);
  const [from, to] = parts.map((part, i) => {
    if (part.trim() === '') return undefined;
    const time = Date.parse(part.trim());
    if (Number.isNaN(time)) throw refuse(`${keyword}: cannot parse ${i === 0 ? 'start' : 'end'} "${part}" as an ISO 8601 time`);
    return time;
  });
  if (from !== undefined && to !== undefined && to <= from) throw refuse(`${keyword}: the end of the range must be later than its start, got "${value}"`);
  return { from, to };
}

/**
 * Retraced's search language, as its client writes it: `action:"user.*"` (quoted or bare; a
 * trailing `*` makes a prefix), `crud:c,u`, `received:START,END` and `created:START,END` (either end
 * may be empty; half-open), `actor.id:`, `actor.name:`, `description:`, `external_id:`, and free
 * text. Unknown keywords are refused rather than silently searched as text.
 */
export function parseRetracedSearch(query: string): EventFilter {
  const filter: EventFilter = {};
  const text: string[] = [];
  TOKEN.lastIndex = 0;
  let rest = query;
  while (rest.trim() !== '') {
    TOKEN.lastIndex = 0;
    const match = TOKEN.exec(rest);
    if (!match) throw refuse(`cannot read the search query near "${rest.trim().slice(0, 40)}"`);
    rest = rest.slice(TOKEN.lastIndex);
    const [, keyword, quoted, bare] = match;
    const value = quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : bare;
    switch (keyword) {
      case undefined:
        if (/^[A-Za-z_][\w.]*:$/.test(value)) throw refuse(`${value} needs a value`);
        text.push(value);
        break;
      case 'action':
        filter.action = value.endsWith('*') ? { value: value.slice(0, -1), prefix: true } : { value, prefix: false };
        break;
      case 'crud': {
        const values = value
          .split(',')
          .map((v) => v.trim())
          .filter(Boolean);
        const bad = values.find((v) => !CRUD.has(v));
        if (bad !== undefined || values.length === 0) throw refuse(`crud: must be a list of c, r, u, d, got "${value}"`);
        filter.crud = values as Crud[];
        break;
      }
      case 'received':
      case 'created':
        filter[keyword] = parseRange(keyword, value);
        break;
      case 'actor.id':
        filter.actorId = value;
        break;
      case 'actor.name':
        filter.actorName = value;
        break;
      case 'description':
        filter.description = value;
        break;
      case 'external_id':
        filter.externalId = value;
        break;
      default:
        throw refuse(`unknown search keyword "${keyword}:" (known: action, crud, received, created, actor.id, actor.name, description, external_id)`);
    }
  }
  if (text.length > 0) {
    checkSearchText(text, 'query');
    filter.text = text;
  }
  return filter;
}
