import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, Clock } from '../infrastructure/clock/clock';
import { newEventId } from '../ingestion/event-id';
import { IngestionService } from '../ingestion/ingestion.service';
import type { Principal } from '../tenancy/principal';

/** `export.start` is written before an export streams, so even one cut short by a crash is on record. */
export type ReadKind = 'view' | 'search' | 'export.start' | 'export';

export interface ReadRecord {
  principal: Principal;
  projectId: string;
  kind: ReadKind;
  /** The filters as the reader gave them. */
  filters: Record<string, string | undefined>;
  /** Rows returned; absent for the start of an export. */
  rows?: number;
  requestId: string;
  clientIp: string;
  /** Exports: false when the client went away before the end. */
  complete?: boolean;
  /** How an `actor` filter resolved (`resolved`, `unknown`, `pending`): whether the reader got every alias. */
  actorResolution?: string;
}

/**
 * Records every read of the audit log as an audit event in the project that was read
 * (`audit.log.view`, `audit.log.search`, `audit.log.export`), like Retraced's view log: who, with
 * which filters, how many rows. It goes through ingestion, never through the read path, so
 * recording a read is not itself a read.
 */
@Injectable()
export class ReadAuditService {
  private readonly logger = new Logger(ReadAuditService.name);

  constructor(
    private readonly ingestion: IngestionService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async record(read: ReadRecord): Promise<void> {
    const now = this.clock.now();
    const fields: Record<string, string> = read.rows === undefined ? {} : { rows: String(read.rows) };
    for (const [key, value] of Object.entries(read.filters)) if (value !== undefined && value !== '') fields[`filter.${key}`] = value;
    if (read.complete !== undefined) fields.complete = String(read.complete);
    if (read.actorResolution !== undefined) fields.actor_resolution = read.actorResolution;
    try {
      await this.ingestion.ingest(
        [
          {
            id: newEventId(now),
            projectId: read.projectId,
            sourceApi: 'read-audit',
            action: `audit.log.${read.kind}`,
            crud: 'r',
            description: read.rows === undefined ? `${read.kind} of the audit log` : `${read.kind} of the audit log: ${read.rows} event(s)`,
            actor: { id: `token:${read.principal.tokenId}`, name: `${read.principal.scope} token` },
            sourceIp: read.clientIp,
            isFailure: false,
            isAnonymous: false,
            fields,
            identity: { status: 'unknown' },
          },
        ],
        { requestId: read.requestId, clientIp: read.clientIp, receivedAt: now },
      );
    } catch (error) {
      this.logger.error({ msg: 'could not record a read of the audit log', request_id: read.requestId, error: (error as Error).message });
      throw error;
    }
  }
}
