import type { AuditEventView } from '../audit-event.view';
import { escapeMarkdown } from '../graphql/retraced-search.schema';

export interface DisplayTemplate {
  action: string;
  template: string;
}

/** The placeholders a template may use: `{{actor.name}}`, `{{target.name}}`, `{{fields.amount}}`, … */
const PLACEHOLDER = /\{\{\s*([a-z_]+(?:\.[A-Za-z0-9_.-]+)?)\s*\}\}/g;
const PATHS = new Set([
  'action',
  'crud',
  'description',
  'source_ip',
  'actor.id',
  'actor.name',
  'target.id',
  'target.name',
  'target.type',
  'group.id',
  'group.name',
]);

/** Why a template cannot be used, or undefined: only known placeholders, and at least one. */
export function templateProblem(template: string): string | undefined {
  const paths = [...template.matchAll(PLACEHOLDER)].map((m) => m[1]);
  const unknown = paths.find((path) => !PATHS.has(path) && !/^fields\.[A-Za-z0-9_.-]+$/.test(path));
  if (unknown) return `unknown placeholder {{${unknown}}} (known: ${[...PATHS].join(', ')}, fields.<name>)`;
  return undefined;
}

function valueAt(event: AuditEventView, path: string, actorName: string | undefined): string | undefined {
  if (path === 'actor.name') return actorName ?? undefined;
  if (path.startsWith('fields.')) return event.fields?.[path.slice('fields.'.length)] ?? undefined;
  const [head, tail] = path.split('.');
  const value =
    tail === undefined
      ? (event as unknown as Record<string, unknown>)[head]
      : ((event as unknown as Record<string, Record<string, unknown> | null>)[head] ?? undefined)?.[tail];
  return value === undefined || value === null || value === '' ? undefined : String(value);
}

/**
 * The sentence of the first template whose action matches and whose every placeholder has a value
 * (a sentence with a hole is worse than the default); undefined when none does. Values are escaped.
 */
export function renderTemplate(templates: DisplayTemplate[], event: AuditEventView, actorName: string | undefined): string | undefined {
  for (const { action, template } of templates) {
    const matches = action.endsWith('*') ? event.action.startsWith(action.slice(0, -1)) : event.action === action;
    if (!matches) continue;
    let missing = false;
    const sentence = template.replace(PLACEHOLDER, (_all, path: string) => {
      const value = valueAt(event, path, actorName);
      if (value === undefined) missing = true;
      return value === undefined ? '' : escapeMarkdown(value);
    });
    if (!missing && sentence.trim() !== '') return sentence;
  }
  return undefined;
}
