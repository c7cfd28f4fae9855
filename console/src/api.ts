/** Talking to the service: same origin, the session cookie, JSON, and its error shape turned into a message. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

/** Called when any request finds the session gone (401), so the app shows the sign-in page. */
let onSignedOut: () => void = () => undefined;
export function whenSignedOut(handler: () => void): void {
  onSignedOut = handler;
}

export async function api<T>(path: string, init: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  const response = await fetch(path, {
    method: init.method ?? 'GET',
    credentials: 'same-origin',
    headers: init.body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: init.signal,
  });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    if (response.status === 401 && !path.endsWith('/console/api/session')) onSignedOut();
    throw new ApiError(response.status, errorMessage(body, response.status), Number(response.headers.get('retry-after')) || undefined);
  }
  return body as T;
}

function errorMessage(body: unknown, status: number): string {
  if (body && typeof body === 'object') {
    const b = body as { message?: unknown; errors?: { field?: string; message?: string }[] };
    if (Array.isArray(b.errors) && b.errors.length > 0) return b.errors.map((e) => e.message ?? e.field).join('; ');
    if (typeof b.message === 'string') return b.message;
    if (Array.isArray(b.message)) return b.message.join('; ');
  }
  return `the service answered ${status}`;
}

export function queryString(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, value);
  const text = search.toString();
  return text ? `?${text}` : '';
}

export interface Session {
  name: string;
  kind: 'directory' | 'token';
  guid: string | null;
  projects: { id: string; name: string }[];
  directory: boolean;
  idle_timeout_s: number;
}

export interface EventView {
  id: string;
  project_id: string;
  seq: number;
  action: string;
  crud: string | null;
  description: string | null;
  actor: { id: string; name: string | null; guid: string | null; username: string | null; email: string | null; dn: string | null } | null;
  target: { id: string; name: string | null; type: string | null } | null;
  group: { id: string; name: string | null } | null;
  source_ip: string | null;
  is_failure: boolean;
  created: string;
  received: string;
  hash: string | null;
  identity_status: string;
  fields: Record<string, string> | null;
  [key: string]: unknown;
}

export interface PersonNow {
  guid: string;
  display_name: string | null;
  username: string | null;
  email: string | null;
  dn: string | null;
  disabled: boolean;
  deleted: boolean;
}

export interface EventPage {
  events: EventView[];
  next_cursor: string | null;
  actor?: { status: string; guid: string | null; matched_ids: string[] };
  people?: Record<string, PersonNow>;
}

export interface Histogram {
  interval: 'minute' | 'hour' | 'day';
  buckets: { start: string; count: number }[];
  /** When the oldest and the newest counted event happened. */
  first: string | null;
  last: string | null;
  total: number;
  complete: boolean;
}

export interface FacetValue {
  value: string;
  label: string | null;
  count: number;
}

export interface Facets {
  facets: Record<'action' | 'actor' | 'target' | 'group' | 'source_ip' | 'failure' | 'crud', FacetValue[]>;
  total: number;
  complete: boolean;
}

export interface Person {
  guid: string;
  username: string | null;
  upn: string | null;
  email: string | null;
  dn: string | null;
  display_name: string | null;
  groups: string[];
  group_dns: string[];
  disabled: boolean;
  deleted: boolean;
  source: string;
  first_seen: string | null;
  last_seen: string | null;
  former_names?: string[];
  matched?: { field: string; value: string };
}

export interface EventDetail {
  event: EventView;
  attribution: {
    status: string;
    logged_as: string | null;
    guid: string | null;
    dn: string | null;
    matched_by: string | null;
    person_now: PersonNow | null;
    former_names: string[];
  };
  integrity: { sealed: true; seal: { seq_from: number; seq_to: number; seal: string; sealed_at: string } } | { sealed: false; reason: string };
}

export interface IntegrityReport {
  project_id: string;
  ok: boolean;
  sealed_events: number;
  seals: number;
  sealed_through_seq: number;
  unsealed_events: number;
  head: string | null;
  problems: { seq_from: number; seq_to: number; problem: string }[];
  problem_count: number;
}
