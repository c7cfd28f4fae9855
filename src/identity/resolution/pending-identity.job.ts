import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { PeriodicTask } from '../../infrastructure/scheduling/periodic-task';
import { DirectorySyncService } from '../sync/directory-sync.service';
import { identityOf } from './identity.enricher';
import { IDENTITY_RESOLVER, IdentityResolver } from './identity-resolver';
import { PENDING_IDENTITY_WRITER, PendingIdentityWriter } from '../../event-store/pending-identity-writer';

const PAGE = 500;

export interface PendingRunResult {
  examined: number;
  resolved: number;
  unknown: number;
  stillPending: number;
}

/**
 * Resolves events stored `pending` (the directory was slow or down when they arrived) once the
 * directory answers again: every IDENTITY_PENDING_RETRY_S and after each sync. Writes only the
 * identity columns, so the stored event and its hash are untouched.
 */
@Injectable()
export class PendingIdentityJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PendingIdentityJob.name);
  private readonly task = new PeriodicTask<PendingRunResult>(
    () => this.resolveAll(),
    (error) => this.logger.warn({ msg: 'resolving pending events failed', error: error.message }),
  );

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(IDENTITY_RESOLVER) private readonly resolver: IdentityResolver,
    @Inject(PENDING_IDENTITY_WRITER) private readonly events: PendingIdentityWriter,
    private readonly sync: DirectorySyncService,
  ) {}

  onApplicationBootstrap(): void {
    this.sync.onSynced(() => this.kick());
    this.task.start(this.config.identity.pendingRetryMs);
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  /** Starts a run unless one is going; a kick during a run schedules one more. */
  kick(): void {
    this.task.kick();
  }

  runOnce(): Promise<PendingRunResult> {
    return this.task.run();
  }

  private async resolveAll(): Promise<PendingRunResult> {
    const result: PendingRunResult = { examined: 0, resolved: 0, unknown: 0, stillPending: 0 };
    let after = '';
    for (;;) {
      const page = await this.events.next(PAGE, after);
      if (page.length === 0) break;
      after = page[page.length - 1].id;
      result.examined += page.length;
      const byActor = new Map<string, string[]>();
      for (const event of page) {
        const key = event.actorId ?? '';
        byActor.set(key, [...(byActor.get(key) ?? []), event.id]);
      }
      for (const [actorId, ids] of byActor) {
        const resolution = actorId === '' ? { status: 'unknown' as const } : await this.resolver.resolve(actorId);
        if (resolution.status === 'pending') {
          result.stillPending += ids.length;
          continue;
        }
        const changed = await this.events.resolve(ids, identityOf(resolution));
        if (resolution.status === 'resolved') result.resolved += changed;
        else result.unknown += changed;
      }
    }
    if (result.resolved + result.unknown > 0) this.logger.log({ msg: 'pending events resolved', ...result });
    return result;
  }
}
