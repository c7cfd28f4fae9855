import { DataSource } from 'typeorm';
import { DIALECTS, TestDatabase, createTestDatabase } from './support/databases';
import { adminHeaders, postJson, startTestApp, TestApp } from './support/test-app';

type Json = any;

/**
 * What was sealed and what was acknowledged stays as it was when the events table grows: seals
 * carry the format they were made with, and an honest retry of an event stored before the change
 * still answers its original id and hash.
 */
describe.each(DIALECTS)('formats frozen by version on %s', (dialect) => {
  let db: TestDatabase;
  let service: TestApp;
  const url = (path: string) => `${service.baseUrl}${path}`;
  const event = (i: number) => ({
    action: 'invoice.paid',
    crud: 'u',
    actor: { id: `user-${i}`, name: 'Ann' },
    target: { id: `inv-${i}` },
    external_id: `ext-${i}`,
    fields: { amount: String(i) },
  });
  const publish = (i: number) => postJson(url('/publisher/v1/project/default/event'), event(i), adminHeaders());

  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    service = await startTestApp(db.url, { env: { INTEGRITY_SEAL_INTERVAL_S: '0' } });
  });
  afterAll(async () => {
    await service?.close();
    await db?.drop();
  });

  it('keeps existing seals verifying and old retries answering after a column is added to the events table', async () => {
    const originals: Json[] = [];
    for (let i = 0; i < 5; i++) originals.push(await (await publish(i)).json());
    expect((await postJson(url('/audit/v1/integrity/seal?project=default'), {}, adminHeaders())).status).toBe(200);
    const dataSource = service.app.get(DataSource);
    const seals: Json[] = await dataSource.query('SELECT format FROM audit_seals');
    expect(seals.map((s) => s.format)).toEqual(['v1']);
    // A later version of the service adds a column (with a value on every row).
    await dataSource.query(`ALTER TABLE audit_events ADD COLUMN region TEXT DEFAULT 'eu-west'`);
    const report = await (await fetch(url('/audit/v1/integrity?project=default'), { headers: adminHeaders() })).json();
    expect(report).toMatchObject({ ok: true, problems: [] });
    expect(report.sealed_events).toBeGreaterThanOrEqual(5);
    const retry = await publish(3);
    expect(retry.status).toBe(201);
    expect(await retry.json()).toEqual(originals[3]);
    // A changed event is still found out.
    await dataSource.query(`UPDATE audit_events SET description = 'rewritten' WHERE external_id = 'ext-1'`);
    const tampered = await (await fetch(url('/audit/v1/integrity?project=default'), { headers: adminHeaders() })).json();
    expect(tampered.ok).toBe(false);
    expect(tampered.problems[0].problem).toBe('sealed event(s) changed');
  });

  it('says so when a seal names a format this version does not know', async () => {
    const dataSource = service.app.get(DataSource);
    await dataSource.query(`UPDATE audit_seals SET format = 'v9'`);
    const report = await (await fetch(url('/audit/v1/integrity?project=default'), { headers: adminHeaders() })).json();
    expect(report.ok).toBe(false);
    expect(report.problems.map((p: Json) => p.problem)).toContain('seal format v9 is unknown to this version of the service');
  });
});
