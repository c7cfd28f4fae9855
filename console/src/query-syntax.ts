/**
 * The query bar's language: `qualifier:value` pairs (a value with spaces in double quotes) and free
 * text, e.g. `action:user.login.* failure:true ip:10.0.0.7 "quarterly report"`. Each qualifier is
 * one of the listing's filters; whatever else is typed is free text.
 */

export const QUALIFIERS = ['actor', 'member_of', 'action', 'group', 'target', 'ip', 'failure', 'since', 'until'] as const;
export type Qualifier = (typeof QUALIFIERS)[number];

export interface Chip {
  key: Qualifier;
  value: string;
}

export interface ParsedQuery {
  chips: Chip[];
  text: string;
}

const TOKEN = /"((?:[^"\\]|\\.)*)"|(\S+)/g;

export function parseQuery(input: string): ParsedQuery {
  const chips: Chip[] = [];
  const words: string[] = [];
  TOKEN.lastIndex = 0;
  for (let match = TOKEN.exec(input); match; match = TOKEN.exec(input)) {
    if (match[1] !== undefined) {
      words.push(`"${match[1]}"`);
      continue;
    }
    const token = match[2];
    const colon = token.indexOf(':');
    const key = colon > 0 ? token.slice(0, colon) : '';
    if ((QUALIFIERS as readonly string[]).includes(key)) {
      let value = token.slice(colon + 1);
      // `key:"a value with spaces"`: the quoted part follows the colon.
      if (value.startsWith('"')) {
        const rest = input.slice(TOKEN.lastIndex - token.length + colon + 1);
        const quoted = /^"((?:[^"\\]|\\.)*)"/.exec(rest);
        if (quoted) {
          value = quoted[1].replace(/\\(.)/g, '$1');
          TOKEN.lastIndex = TOKEN.lastIndex - token.length + colon + 1 + quoted[0].length;
        } else value = value.slice(1);
      }
      if (value !== '') chips.push({ key: key as Qualifier, value });
      continue;
    }
    words.push(token);
  }
  return { chips, text: words.join(' ') };
}

function quote(value: string): string {
  return /[\s"]/.test(value) ? `"${value.replace(/(["\\])/g, '\\$1')}"` : value;
}

export function formatQuery(query: ParsedQuery): string {
  return [...query.chips.map((c) => `${c.key}:${quote(c.value)}`), query.text].filter((part) => part !== '').join(' ');
}

/** The listing's query parameters for a parsed query (the last of a repeated qualifier wins). */
export function toFilters(query: ParsedQuery): Record<string, string> {
  const filters: Record<string, string> = {};
  for (const chip of query.chips) filters[chip.key] = chip.key === 'since' || chip.key === 'until' ? toIso(chip.value) : chip.value;
  const free = query.text.replace(/"/g, ' ').replace(/\s+/g, ' ').trim();
  if (free) filters.q = free;
  return filters;
}

/** `2026-11-30`, `2026-11-30T10:00` or a full ISO time; bare dates and times are read in UTC. */
function toIso(value: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return `${value}T00:00:00Z`;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return `${value.length === 16 ? `${value}:00` : value}Z`;
  return value;
}

export function withChip(query: ParsedQuery, chip: Chip): ParsedQuery {
  return { ...query, chips: [...query.chips.filter((c) => c.key !== chip.key), chip] };
}

export function withoutChip(query: ParsedQuery, index: number): ParsedQuery {
  return { ...query, chips: query.chips.filter((_, i) => i !== index) };
}
