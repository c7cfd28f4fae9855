import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DIALECTS, TestDatabase, createTestDatabase } from './support/databases';
import { adminHeaders, postJson, startTestApp, TestApp } from './support/test-app';

jest.setTimeout(120_000);

type Json = any;

/** Chained seals over stored events: any later change, removal or insertion is found. */
describe.each(DIALECTS)('tamper evidence on %s', (dialect) => {
  let db: TestDatabase;
  let t: TestApp;
  let sql: DataSource;

  const admin = async (path: string, body: unknown) => {
    const response = await postJson(`${t.baseUrl}${path}`, body, adminHeaders());
    expect(response.status).toBe(201);
    return (await response.json()) as Record<string, string>;
  };
  /** A project holding `count` events published through the Retraced API, after its 2 own records (created, token created). */
  const projectWith = async (count: number): Promise<string> => {
    const { id } = await admin('/admin/v1/project', { name: `p${Date.now()}` });
    const { token } = await admin(`/admin/v1/project/${id}/token`, { name: 'p', scope: 'publish' });
    const events = Array.from({ length: count }, (_, i) => ({
      action: 'doc.read',
      crud: 'r',
      actor: { id: `user${i}` },
      description: `read ${i}`,
      fields: { n: String(i) },
    }));
    const response = await postJson(`${t.baseUrl}/publisher/v1/project/${id}/event/bulk`, { events }, { authorization: `token=${token}` });
    expect(response.status).toBe(201);
    return id;
  };
  const seal = async (): Promise<number> => {
    const response = await postJson(`${t.baseUrl}/audit/v1/integrity/seal`, {}, adminHeaders());
    expect(response.status).toBe(200);
    return (await response.json()).sealed_events;
  };
  const verify = async (projectId: string): Promise<Json> => {
    const response = await fetch(`${t.baseUrl}/audit/v1/integrity?project=${projectId}`, { headers: adminHeaders() });
    expect(response.status).toBe(200);
    return response.json();
  };

  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    t = await startTestApp(db.url, { env: { INTEGRITY_SEAL_INTERVAL_S: '0' } });
    sql = t.app.get(getDataSourceToken());
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  it('seals what was committed and verifies it, unchanged by identity filled in later', async () => {
    const project = await projectWith(120);
    expect(await seal()).toBeGreaterThanOrEqual(120);
    const report = await verify(project);
    expect(report).toMatchObject({
      project_id: project,
      ok: true,
      sealed_events: 122,
      sealed_through_seq: 122,
      unsealed_events: 0,
      problems: [],
      problem_count: 0,
    });
    expect(report.head).toMatch(/^[0-9a-f]{64}$/);
    // The identity columns are filled in after the fact on purpose (events stored pending).
    await sql.query(`UPDATE audit_events SET actor_guid = 'g', actor_username = 'u', identity_status = 'resolved' WHERE project_id = '${project}' AND seq = 7`);
    expect((await verify(project)).ok).toBe(true);
    // Nothing new: nothing to seal, the head stays.
    const again = await verify(project);
    expect(again.head).toBe(report.head);
  });

  it('finds a rewritten event, and says which sealed range holds it', async () => {
    const project = await projectWith(30);
    await seal();
    await sql.query(`UPDATE audit_events SET description = 'nothing happened' WHERE project_id = '${project}' AND seq = 12`);
    const report = await verify(project);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([expect.objectContaining({ problem: 'sealed event(s) changed' })]);
    expect(report.problems[0].seq_from).toBeLessThanOrEqual(12);
    expect(report.problems[0].seq_to).toBeGreaterThanOrEqual(12);
  });

  it('finds a removed event and an inserted one', async () => {
    const removed = await projectWith(30);
    await seal();
    await sql.query(`DELETE FROM audit_events WHERE project_id = '${removed}' AND seq = 3`);
    expect((await verify(removed)).problems).toEqual([expect.objectContaining({ problem: '1 sealed event(s) missing' })]);

    const inserted = await projectWith(30);
    await seal();
    // A forged event squeezed in by renumbering a sealed one.
    await sql.query(`UPDATE audit_events SET seq = 1000 WHERE project_id = '${inserted}' AND seq = 30`);
    await sql.query(`UPDATE audit_events SET seq = 30, action = 'forged' WHERE project_id = '${inserted}' AND seq = 29`);
    expect((await verify(inserted)).ok).toBe(false);
  });

  it('finds an altered or removed seal', async () => {
    const project = await projectWith(10);
    await seal();
    const more = await postJson(`${t.baseUrl}/audit/v1/event`, { action: 'x' });
    expect(more.status).toBe(201);
    await projectWith(1);
    // A second seal for the project: events logged after the first pass.
    const { token } = await admin(`/admin/v1/project/${project}/token`, { name: 'q', scope: 'publish' });
    await postJson(
      `${t.baseUrl}/publisher/v1/project/${project}/event`,
      { action: 'late', crud: 'c', actor: { id: 'u' } },
      { authorization: `token=${token}` },
    );
    await seal();
    // 10 events + 2 records of its creation, then a token's creation and one late event.
    expect(await verify(project)).toMatchObject({ ok: true, seals: 2, sealed_events: 14 });
    await sql.query(`UPDATE audit_seals SET events_digest = '${'0'.repeat(64)}' WHERE project_id = '${project}' AND seq_to = 12`);
    expect((await verify(project)).problems.map((p: Json) => p.problem)).toContain('seal was altered');
    await sql.query(`DELETE FROM audit_seals WHERE project_id = '${project}' AND seq_to = 12`);
    const report = await verify(project);
    expect(report.ok).toBe(false);
    expect(report.problems.map((p: Json) => p.problem)).toEqual(
      expect.arrayContaining([expect.stringContaining('does not follow the previous one'), 'seal is not chained to the previous seal']),
    );
  });

  it('does not seal across an event removed before it was sealed, and counts what is left unsealed', async () => {
    const project = await projectWith(20);
    await sql.query(`DELETE FROM audit_events WHERE project_id = '${project}' AND seq = 15`);
    await seal();
    const report = await verify(project);
    expect(report).toMatchObject({ ok: true, sealed_through_seq: 14, unsealed_events: 7 });
    // Alertable: the hole is counted, by project.
    const metrics = await (await fetch(`${t.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`^audit_seal_holes_total\\{project="${project}"\\} [1-9]`, 'm'));
    expect(metrics).toMatch(/^audit_sealed_events_total [1-9]/m);
  });

  it('seals by itself every INTEGRITY_SEAL_INTERVAL_S', async () => {
    const own = await createTestDatabase(dialect);
    const timed = await startTestApp(own.url, { env: { INTEGRITY_SEAL_INTERVAL_S: '1' } });
    try {
      for (let i = 0; i < 5; i++) expect((await postJson(`${timed.baseUrl}/audit/v1/event`, { action: `timed.${i}` })).status).toBe(201);
      const deadline = Date.now() + 15_000;
      let report: Json;
      do {
        await new Promise((r) => setTimeout(r, 250));
        report = await (await fetch(`${timed.baseUrl}/audit/v1/integrity`, { headers: adminHeaders() })).json();
      } while (report.sealed_events < 5 && Date.now() < deadline);
      expect(report).toMatchObject({ ok: true, sealed_events: 5, unsealed_events: 0 });
    } finally {
      await timed.close();
      await own.drop();
    }
  });

  it('lets a read token verify its own project only, and needs admin to seal', async () => {
    const project = await projectWith(2);
    const { token } = await admin(`/admin/v1/project/${project}/token`, { name: 'r', scope: 'read' });
    const own = await fetch(`${t.baseUrl}/audit/v1/integrity`, { headers: { authorization: `Bearer ${token}` } });
    expect(own.status).toBe(200);
    expect((await own.json()).project_id).toBe(project);
    expect((await fetch(`${t.baseUrl}/audit/v1/integrity?project=default`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(403);
    expect((await postJson(`${t.baseUrl}/audit/v1/integrity/seal`, {}, { authorization: `Bearer ${token}` })).status).toBe(403);
    expect((await fetch(`${t.baseUrl}/audit/v1/integrity`)).status).toBe(401);
    const twice = await fetch(`${t.baseUrl}/audit/v1/integrity?project=a&project=b`, { headers: adminHeaders() });
    expect(twice.status).toBe(400);
    expect((await twice.json()).errors[0].field).toBe('project');
  });
});
