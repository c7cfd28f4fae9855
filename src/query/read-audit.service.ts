import { Injectable } from '@nestjs/common';
import { AuditTrailService } from '../audit-trail/audit-trail.service';
import type { Caller } from '../tenancy/principal';

/** `export.start` is written before an export streams, so even one cut short by a crash is on record. */
export type ReadKind = 'view' | 'search' | 'export.start' | 'export';

/** How an export ended: every row sent, the client went away, or the service failed mid-way. */
export type ExportOutcome = 'completed' | 'aborted' | 'failed';

export interface ReadRecord {
  caller: Caller;
  projectId: string;
  kind: ReadKind;
  /** The filters as the reader gave them. */
  filters: Record<string, string | undefined>;
  /** Rows returned; absent for the start of an export. */
  rows?: number;
  requestId: string;
  clientIp: string;
  /** Exports: how it ended. */
  outcome?: ExportOutcome;
  /** How an `actor` filter resolved (`resolved`, `unknown`, `pending`): whether the reader got every alias. */
  actorResolution?: string;
  /** The action to record instead of `audit.log.<kind>` (a viewer's `view_log_action`). */
  action?: string;
  /** The group read (a viewer's or enterprise token's), recorded as the event's group. */
  groupId?: string;
}

/**
 * Records every read of the audit log as an audit event in the project that was read
 * (`audit.log.view`, `audit.log.search`, `audit.log.export`), like Retraced's view log: who, with
 * which filters, how many rows. It goes through ingestion, never through the read path, so
 * recording a read is not itself a read.
 */
@Injectable()
export class ReadAuditService {
  constructor(private readonly trail: AuditTrailService) {}

  async record(read: ReadRecord): Promise<void> {
    const fields: Record<string, string> = read.rows === undefined ? {} : { rows: String(read.rows) };
    for (const [key, value] of Object.entries(read.filters)) if (value !== undefined && value !== '') fields[`filter.${key}`] = value;
    if (read.outcome !== undefined) {
      fields.outcome = read.outcome;
      fields.complete = String(read.outcome === 'completed');
    }
    if (read.actorResolution !== undefined) fields.actor_resolution = read.actorResolution;
    await this.trail.record({
      caller: read.caller,
      projectId: read.projectId,
      sourceApi: 'read-audit',
      action: read.action ?? `audit.log.${read.kind}`,
      group: read.groupId === undefined ? undefined : { id: read.groupId },
      crud: 'r',
      description: read.rows === undefined ? `${read.kind} of the audit log` : `${read.kind} of the audit log: ${read.rows} event(s)`,
      fields,
      isFailure: read.outcome === 'failed',
      requestId: read.requestId,
      clientIp: read.clientIp,
    });
  }
}
