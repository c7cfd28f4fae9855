import { Injectable, Module } from '@nestjs/common';
import type { AuditEventDraft } from '../src/event-store/audit-event';
import { AuditEventEnricher, EventEnricher, IngestContext } from '../src/ingestion/enrichment/event-enricher';
import { EnrichmentPipeline } from '../src/ingestion/enrichment/enrichment-pipeline.service';
import { TestDatabase, createTestDatabase } from './support/databases';
import { TestApp, postJson, readAllEvents, startTestApp } from './support/test-app';

/** A team's own enricher, in its own module: it tags events and sees what earlier enrichers did. */
@Injectable()
@AuditEventEnricher({ order: 50 })
class DataCenterEnricher implements EventEnricher {
  enrich(event: AuditEventDraft, context: IngestContext): void {
    event.metadata = { ...event.metadata, datacenter: 'eu-west', saw_received: String(event.received === context.receivedAt) };
  }
}

/** An asynchronous enricher after the identity enricher (500): it may still fill the identity columns. */
@Injectable()
@AuditEventEnricher({ order: 600 })
class FakeDirectoryEnricher implements EventEnricher {
  async enrich(event: AuditEventDraft): Promise<void> {
    await new Promise((r) => setImmediate(r));
    if (event.actor?.id === 'jdoe')
      event.identity = {
        status: 'resolved',
        guid: '11111111-2222-3333-4444-555555555555',
        username: 'jdoe',
        email: 'john@example.com',
        dn: 'CN=John Doe,DC=corp',
      };
  }
}

/** A broken enricher: throws for some events, after writing to them (which must not stick). */
@Injectable()
@AuditEventEnricher({ order: 700 })
class FlakyEnricher implements EventEnricher {
  enrich(event: AuditEventDraft): void {
    event.description = 'overwritten by a failing enricher';
    if (event.action === 'break.sync') throw new Error('flaky: cannot enrich');
  }
}

/** An enricher that never answers for some events, and changes them much later. */
@Injectable()
@AuditEventEnricher({ order: 800 })
class HangingEnricher implements EventEnricher {
  enrich(event: AuditEventDraft): Promise<void> | void {
    if (event.action !== 'break.hang') return;
    return new Promise<void>((resolve) =>
      setTimeout(() => {
        event.action = 'changed.after.its.budget';
        resolve();
      }, 2_000),
    );
  }
}

@Module({ providers: [DataCenterEnricher, FakeDirectoryEnricher, FlakyEnricher, HangingEnricher] })
class TeamExtensionModule {}

/** An enricher that wants to run after the Retraced hash. */
@Injectable()
@AuditEventEnricher({ order: 950 })
class AfterTheHashEnricher implements EventEnricher {
  enrich(event: AuditEventDraft): void {
    event.description = 'changed after the hash';
  }
}

@Module({ providers: [AfterTheHashEnricher] })
class LateModule {}

describe('enrichment pipeline extension through dependency injection', () => {
  let db: TestDatabase;
  let t: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    t = await startTestApp(db.url, { extraImports: [TeamExtensionModule], env: { ENRICHER_BUDGET_MS: '200' } });
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  it('discovers enrichers contributed by another module and runs them in order after the built-ins', () => {
    expect(t.app.get(EnrichmentPipeline).order).toEqual([
      'ReceivedTimeEnricher',
      'ClientAddressEnricher',
      'DataCenterEnricher',
      'IdentityEnricher',
      'FakeDirectoryEnricher',
      'FlakyEnricher',
      'HangingEnricher',
      'EventHashEnricher',
    ]);
  });

  it('persists what the contributed enrichers added', async () => {
    expect((await postJson(`${t.baseUrl}/audit/v1/event`, { action: 'user.login', actor: { id: 'jdoe' }, metadata: { app: 'crm' } })).status).toBe(201);
    const [stored] = await readAllEvents(t.baseUrl);
    expect(stored.metadata).toEqual({ app: 'crm', datacenter: 'eu-west', saw_received: 'true' });
    expect(stored.description).toBe('overwritten by a failing enricher');
    expect(stored.identity_status).toBe('resolved');
    expect(stored.actor).toMatchObject({
      id: 'jdoe',
      guid: '11111111-2222-3333-4444-555555555555',
      username: 'jdoe',
      email: 'john@example.com',
      dn: 'CN=John Doe,DC=corp',
    });
  });

  it("stores an event whose contributed enricher throws, without that enricher's changes, and records why", async () => {
    const response = await postJson(
      `${t.baseUrl}/publisher/v1/project/default/event`,
      { action: 'break.sync', crud: 'c', description: 'as sent', actor: { id: 'ann' } },
      { authorization: 'Bearer test-admin-token-0123456789abcdef' },
    );
    expect(response.status).toBe(201);
    const { id, hash } = (await response.json()) as { id: string; hash: string };
    const stored = (await readAllEvents(t.baseUrl)).find((e) => e.id === id);
    expect(stored).toMatchObject({ action: 'break.sync', description: 'as sent', hash });
    expect(stored.metadata).toMatchObject({ datacenter: 'eu-west', 'enrichment.failed': 'FlakyEnricher: error' });
    const metrics = await (await fetch(`${t.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/audit_enricher_failures_total\{enricher="FlakyEnricher",reason="error"\} 1/);
  });

  it('stores an event within the budget when a contributed enricher hangs, and a late change never reaches it', async () => {
    const started = Date.now();
    const response = await postJson(
      `${t.baseUrl}/publisher/v1/project/default/event`,
      { action: 'break.hang', crud: 'c', actor: { id: 'ann' } },
      { authorization: 'Bearer test-admin-token-0123456789abcdef' },
    );
    expect(response.status).toBe(201);
    expect(Date.now() - started).toBeLessThan(1_500);
    const { id, hash } = (await response.json()) as { id: string; hash: string };
    await new Promise((resolve) => setTimeout(resolve, 2_200));
    const stored = (await readAllEvents(t.baseUrl)).find((e) => e.id === id);
    expect(stored).toMatchObject({ action: 'break.hang', hash });
    expect(stored.metadata['enrichment.failed']).toBe('HangingEnricher: timeout');
    expect(
      (
        await (
          await fetch(`${t.baseUrl}/audit/v1/integrity?project=default`, { headers: { authorization: 'Bearer test-admin-token-0123456789abcdef' } })
        ).json()
      ).ok,
    ).toBe(true);
  });

  it('refuses to start with an enricher ordered after the Retraced hash, naming it', async () => {
    const late = await createTestDatabase('sqlite');
    try {
      await expect(startTestApp(late.url, { extraImports: [LateModule] })).rejects.toThrow(/enricher AfterTheHashEnricher asks for order 950/);
    } finally {
      await late.drop();
    }
  });
});
