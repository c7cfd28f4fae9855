import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import type { ActorIdentity, AuditEventDraft } from '../../event-store/audit-event';
import { AuditEventEnricher, EventEnricher } from '../../ingestion/enrichment/event-enricher';
import { IDENTITY_RESOLVER, IdentityResolution, IdentityResolver } from './identity-resolver';

/** The identity columns an event stores for a resolution, as the person was at that moment. */
export function identityOf(resolution: IdentityResolution): ActorIdentity {
  if (resolution.status !== 'resolved') return { status: resolution.status };
  const { guid, username, email, dn } = resolution.person;
  return { status: 'resolved', guid, username, email, dn };
}

/**
 * Enriches each event with the actor's directory identity before it is stored. A mirror hit costs
 * no I/O; a miss waits for a live lookup at most IDENTITY_LOOKUP_BUDGET_MS, after which the event
 * is stored `pending` and resolved in the background. Never refuses or delays an event beyond that.
 */
@Injectable()
@AuditEventEnricher({ order: 500, builtIn: 'identity' })
export class IdentityEnricher implements EventEnricher {
  private readonly budgetMs: number;
  private readonly enabled: boolean;

  constructor(
    @Inject(IDENTITY_RESOLVER) private readonly resolver: IdentityResolver,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.budgetMs = config.identity.lookupBudgetMs;
    this.enabled = config.identity.enrichment;
  }

  enrich(event: AuditEventDraft): void | Promise<void> {
    const id = event.actor?.id;
    // The service's own records (reads, administration) come attributed: an API token (no directory
    // person), or a console reader signed in with the directory (their GUID, as the session knows it).
    if (event.sourceApi === 'read-audit' || event.sourceApi === 'admin-audit') {
      event.identity = event.identity?.status === 'resolved' ? event.identity : { status: 'unknown' };
      return;
    }
    if (!id || !this.enabled) {
      event.identity = { status: 'unknown' };
      return;
    }
    const local = this.resolver.resolveLocal(id);
    if (local) {
      event.identity = identityOf(local);
      return;
    }
    return this.resolver.resolve(id, { budgetMs: this.budgetMs }).then(
      (resolution) => {
        event.identity = identityOf(resolution);
      },
      // A replacement resolver that rejects must not cost the event: it is retried as pending.
      () => {
        event.identity = { status: 'pending' };
      },
    );
  }
}
