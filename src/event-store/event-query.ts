import type { Crud } from './audit-event';

/** A half-open time range in epoch milliseconds: from ≤ t < to. */
export interface TimeRange {
  from?: number;
  to?: number;
}

/** What events must match; every part given must hold. */
export interface EventFilter {
  /** Exact action, or every action starting with `value` when `prefix`. */
  action?: { value: string; prefix: boolean };
  crud?: Crud[];
  received?: TimeRange;
  created?: TimeRange;
  actorId?: string;
  /** Substring of the actor's name, case-insensitive. */
  actorName?: string;
  /** Substring of the description, case-insensitive. */
  description?: string;
  externalId?: string;
  /** Free text: every word must occur in the action, description, actor, target, group or fields. */
  text?: string[];
  /**
   * A person: events whose resolved actor GUID is `guid`; when the name is not a known person,
   * events whose raw actor id is one of `ids`.
   */
  actor?: { guid?: string; ids: string[] };
  /** Any of these exact actions. */
  actions?: string[];
  /** Any of several people: resolved GUIDs, or raw actor ids as logged. */
  anyActor?: { guids: string[]; ids: string[] };
  /** Events of any of these actor GUIDs (a group's members); an empty list matches nothing. */
  actorGuids?: string[];
  groupId?: string;
  targetId?: string;
  /** Any of these target ids (every name of a person: what was done to them). */
  anyTarget?: string[];
  sourceIp?: string;
  failure?: boolean;
  /**
   * The events that record reads of the log (`audit.log.view|search|export`): left out unless asked
   * for, so a read never finds the records of itself or of the reads paging through it.
   */
  reads?: 'exclude' | 'include' | 'only';
  /**
   * The events that record administration (`audit.project.*`, `audit.token.*`, `audit.integrity.seal`,
   * `audit.directory.sync`, `audit.provisioning.*`): left out unless asked for, so an application's
   * own log (and the Retraced client's view of it) holds only its events.
   */
  admin?: 'exclude' | 'include' | 'only';
}

/** The query object every read path (REST, export, GraphQL) translates into. */
export interface EventQuery {
  projectId: string;
  filter: EventFilter;
  /** `desc`: newest first, continuing below `beforeSeq`; `asc`: oldest first, above `afterSeq`. */
  order: 'desc' | 'asc';
  beforeSeq?: number;
  afterSeq?: number;
  limit: number;
}

/** Time buckets of a histogram. */
export type HistogramInterval = 'minute' | 'hour' | 'day';

export const INTERVAL_MS: Record<HistogramInterval, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** The fields counted per value by the facets. */
export const FACET_FIELDS = ['action', 'actor', 'target', 'group', 'source_ip', 'failure', 'crud'] as const;
export type FacetField = (typeof FACET_FIELDS)[number];

export interface FacetValue {
  value: string;
  /** A name to show for the value (a target's, group's or actor's name), when events carry one. */
  label: string | null;
  count: number;
}

/**
 * Counts (histograms, facets) read at most this many matching events, newest first, and say so
 * when there were more: a broad count costs what it reads, and it is never silently cut.
 */
export const MAX_COUNTED_EVENTS = 100_000;

export const MAX_PAGE_SIZE = 1000;
export const DEFAULT_PAGE_SIZE = 50;
