import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, Clock } from '../infrastructure/clock/clock';
import type { ActorIdentity, Crud, SourceApi } from '../event-store/audit-event';
import { newEventId } from '../ingestion/event-id';
import { UnknownProjectError } from '../event-store/event-writer';
import { IngestionService } from '../ingestion/ingestion.service';
import { Caller, callerActor } from '../tenancy/principal';

/** One thing the service itself did for a caller, to be kept as an audit event. */
export interface TrailEntry {
  caller: Caller;
  /** Who to name as the actor instead of the caller (a sign-in attempt names the username tried). */
  actor?: { id: string; name?: string };
  /** The project it concerns (`default` for the instance). */
  projectId: string;
  action: string;
  crud: Crud;
  description: string;
  fields?: Record<string, string>;
  target?: { id: string; name?: string; type?: string };
  group?: { id: string };
  isFailure?: boolean;
  requestId: string;
  clientIp: string;
  /** `read-audit` for reads of the log (left out of later reads unless asked for), `admin-audit` otherwise. */
  sourceApi?: Extract<SourceApi, 'read-audit' | 'admin-audit'>;
}

/**
 * The service's own audit trail: reads of the log, administration (projects, tokens, sealing,
 * directory sync, provisioning) and directory reads, each an audit event in the project it
 * concerns, written through ingestion like any other event and committed before the answer.
 */
@Injectable()
export class AuditTrailService {
  private readonly logger = new Logger(AuditTrailService.name);

  constructor(
    private readonly ingestion: IngestionService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async record(entry: TrailEntry): Promise<void> {
    const now = this.clock.now();
    const actor = entry.actor ?? callerActor(entry.caller);
    try {
      await this.ingestion.ingest(
        [
          {
            id: newEventId(now),
            projectId: entry.projectId,
            sourceApi: entry.sourceApi ?? 'admin-audit',
            action: entry.action,
            crud: entry.crud,
            description: entry.description,
            actor,
            target: entry.target,
            group: entry.group,
            sourceIp: entry.clientIp,
            isFailure: entry.isFailure ?? false,
            isAnonymous: actor === undefined,
            fields: entry.fields,
            identity: entry.actor ? { status: 'unknown' } : callerIdentity(entry.caller),
          },
        ],
        { requestId: entry.requestId, clientIp: entry.clientIp, receivedAt: now },
      );
    } catch (error) {
      // A project that does not exist (the read named one) is answered 404; anything else is worth an error line.
      if (!(error instanceof UnknownProjectError)) {
        this.logger.error({
          msg: 'could not record an operation in the audit trail',
          action: entry.action,
          request_id: entry.requestId,
          error: (error as Error).message,
        });
      }
      throw error;
    }
  }
}

/** A console reader signed in with the directory is recorded under their GUID, so their own history shows what they read. */
function callerIdentity(caller: Caller): ActorIdentity {
  if (caller.kind !== 'console' || !caller.person) return { status: 'unknown' };
  const { guid, username, email, dn } = caller.person;
  return { status: 'resolved', guid, username, email, dn };
}
