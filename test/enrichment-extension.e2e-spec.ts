import { Injectable, Module } from '@nestjs/common';
import type { AuditEventDraft } from '../src/ingestion/audit-event';
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
    if (event.actor?.id === 'jdoe') event.identity = { status: 'resolved', guid: '11111111-2222-3333-4444-555555555555', username: 'jdoe', email: 'john@example.com', dn: 'CN=John Doe,DC=corp' };
  }
}

@Module({ providers: [DataCenterEnricher, FakeDirectoryEnricher] })
class TeamExtensionModule {}

describe('enrichment pipeline extension through dependency injection', () => {
  let db: TestDatabase;
  let t: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    t = await startTestApp(db.url, { extraImports: [TeamExtensionModule] });
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  it('discovers enrichers contributed by another module and runs them in order after the built-ins', () => {
    expect(t.app.get(EnrichmentPipeline).order).toEqual(['ReceivedTimeEnricher', 'ClientAddressEnricher', 'DataCenterEnricher', 'IdentityEnricher', 'FakeDirectoryEnricher', 'EventHashEnricher']);
  });

  it('persists what the contributed enrichers added', async () => {
    expect((await postJson(`${t.baseUrl}/audit/v1/event`, { action: 'user.login', actor: { id: 'jdoe' }, metadata: { app: 'crm' } })).status).toBe(201);
    const [stored] = await readAllEvents(t.baseUrl);
    expect(stored.metadata).toEqual({ app: 'crm', datacenter: 'eu-west', saw_received: 'true' });
    expect(stored.identity_status).toBe('resolved');
    expect(stored.actor).toMatchObject({ id: 'jdoe', guid: '11111111-2222-3333-4444-555555555555', username: 'jdoe', email: 'john@example.com', dn: 'CN=John Doe,DC=corp' });
  });
});
