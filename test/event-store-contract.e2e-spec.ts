import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { parseDatabaseUrl } from '../src/config/app-config';
import { AuditEventEntity } from '../src/event-store/audit-event.entity';
import { AuditEventReader } from '../src/event-store/event-reader';
import type { EventStoreDialect } from '../src/event-store/event-store-dialect';
import { UnknownProjectError } from '../src/event-store/event-writer';
import { POSTGRES_EVENT_STORE } from '../src/event-store/postgres/postgres-event-store';
import { SEAL_FORMAT_V1 } from '../src/event-store/seal-format';
import { SQLITE_EVENT_STORE } from '../src/event-store/sqlite/sqlite-event-store';
import { dataSourceOptions } from '../src/infrastructure/database/data-source-options';
import { completeEvent } from './factories/complete-event';
import { DIALECTS, TestDatabase, createTestDatabase } from './support/databases';

/** A hash as the service stores them (64 hex digits). */
const h = (i: number) => createHash('sha256').update(String(i)).digest('hex');

const BUILT_IN: Record<string, EventStoreDialect> = { sqlite: SQLITE_EVENT_STORE, postgres: POSTGRES_EVENT_STORE };

/** The event store's ports, the same cases on each database, against a real, migrated database. */
describe.each(DIALECTS)('the event store ports on %s', (dialect) => {
  let db: TestDatabase;
  let ds: DataSource;
  const ports = () => {
    const d = BUILT_IN[dialect];
    return {
      writer: d.writer(ds),
      sealSource: d.sealSource(ds),
      pending: d.pendingIdentity(ds),
      reader: new AuditEventReader(ds.getRepository(AuditEventEntity), d.search(ds)),
    };
  };
  // The same events on both databases (fixed ids and times), for the cross-database digest.
  const fixed = (i: number, parts: Parameters<typeof completeEvent>[0] = {}) =>
    completeEvent({
      id: `fixed-${String(i).padStart(4, '0')}`,
      projectId: 'p1',
      created: 1_767_225_600_000 + i,
      received: 1_767_225_600_000 + i,
      hash: h(i),
      actor: { id: `user${i % 3}`, name: `User ${i % 3}` },
      group: { id: i % 2 ? 'g1' : 'g2' },
      crud: i % 4 === 0 ? 'r' : 'c',
      description: `event ${i} routine`,
      fields: { n: String(i) },
      ...parts,
    });

  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    ds = new DataSource({ ...dataSourceOptions(parseDatabaseUrl(db.url)), entities: [AuditEventEntity] });
    await ds.initialize();
    await ds.runMigrations();
    await ds.query(`INSERT INTO projects (id, name, last_seq, created_at) VALUES ('p1', 'One', 0, 0), ('p2', 'Two', 0, 0)`);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('writer: numbers each project 1..n in commit order, unit by unit', async () => {
    const { writer, sealSource } = ports();
    const outcomes = await writer.commit([[fixed(1), fixed(2)], [fixed(3), completeEvent({ projectId: 'p2' })], [fixed(4)]]);
    expect(outcomes.every((o) => o.ok)).toBe(true);
    await writer.commit([[fixed(5), fixed(6)]]);
    const rows = await ds.query(`SELECT id, seq FROM audit_events WHERE project_id = 'p1' ORDER BY seq`);
    expect(rows.map((r: { id: string; seq: unknown }) => [r.id, Number(r.seq)])).toEqual([1, 2, 3, 4, 5, 6].map((i) => [`fixed-000${i}`, i]));
    expect(await sealSource.lastSequences()).toEqual(
      expect.arrayContaining([
        { projectId: 'p1', lastSeq: 6 },
        { projectId: 'p2', lastSeq: 1 },
      ]),
    );
    expect(await sealSource.lastSequences('p2')).toEqual([{ projectId: 'p2', lastSeq: 1 }]);
  });

  it('writer: a retry is answered with the original, a conflicting reuse is refused, and nothing is stored twice', async () => {
    const { writer } = ports();
    const original = fixed(7, { externalId: 'ext-7', contentDigest: 'd7' });
    const [first] = await writer.commit([[original]]);
    const [again, conflict] = await writer.commit([
      [{ ...fixed(8), externalId: 'ext-7', contentDigest: 'd7' }],
      [{ ...fixed(9), externalId: 'ext-7', contentDigest: 'other' }],
    ]);
    expect(first).toEqual({ ok: true, events: [{ id: original.id, hash: h(7) }] });
    expect(again).toEqual({ ok: true, events: [{ id: original.id, hash: h(7) }] });
    expect(conflict.ok).toBe(false);
    expect(Number((await ds.query(`SELECT COUNT(*) AS n FROM audit_events WHERE external_id = 'ext-7'`))[0].n)).toBe(1);
  });

  it('writer: a batch naming an unknown project stores nothing of it', async () => {
    const { writer, sealSource } = ports();
    await expect(writer.commit([[fixed(100), completeEvent({ projectId: 'nope' })]])).rejects.toBeInstanceOf(UnknownProjectError);
    expect(await sealSource.lastSequences('p1')).toEqual([{ projectId: 'p1', lastSeq: 7 }]);
    expect(Number((await ds.query(`SELECT COUNT(*) AS n FROM audit_events WHERE id = 'fixed-0100'`))[0].n)).toBe(0);
  });

  it('writer: a batch wholly of an unknown project is refused too, and numbers no other project', async () => {
    const { writer, sealSource } = ports();
    await expect(writer.commit([[completeEvent({ projectId: 'nope' }), completeEvent({ projectId: 'nope' })]])).rejects.toBeInstanceOf(UnknownProjectError);
    expect(await sealSource.lastSequences('p1')).toEqual([{ projectId: 'p1', lastSeq: 7 }]);
    expect(Number((await ds.query(`SELECT COUNT(*) AS n FROM audit_events WHERE project_id = 'nope'`))[0].n)).toBe(0);
  });

  it("reader: pages newest first, counts, finds by id and by free text, and counts a group from the store's counts", async () => {
    const { reader } = ports();
    const page = await reader.page({ projectId: 'p1', filter: {}, order: 'desc', limit: 3 });
    expect(page.map((e) => e.seq)).toEqual([7, 6, 5]);
    expect(await reader.count('p1', {})).toBe(7);
    expect((await reader.byId('p1', 'fixed-0003'))?.seq).toBe(3);
    expect(await reader.byId('p2', 'fixed-0003')).toBeNull();
    expect((await reader.page({ projectId: 'p1', filter: { text: ['event 4 routine'] }, order: 'desc', limit: 10 })).map((e) => e.id)).toEqual(['fixed-0004']);
    // g1 holds the odd events (1, 3, 5, 7), g2 the even; 4 is the only r.
    expect(await reader.count('p1', { groupId: 'g1' })).toBe(4);
    expect(await reader.count('p1', { groupId: 'g2', crud: ['r'] })).toBe(1);
    expect(await reader.count('p1', { groupId: 'g2', crud: ['c', 'u'] })).toBe(2);
    expect(await reader.count('p1', { groupId: 'g2', crud: [] })).toBe(0);
  });

  it('pending-identity writer: lists pending events oldest first and changes only their identity', async () => {
    const { writer, pending, reader } = ports();
    await writer.commit([
      [fixed(10, { identity: { status: 'pending' }, actor: { id: 'late' } }), fixed(11, { identity: { status: 'pending' }, actor: { id: 'late' } })],
    ]);
    const found = await pending.next(10);
    expect(found).toEqual([
      { id: 'fixed-0010', actorId: 'late' },
      { id: 'fixed-0011', actorId: 'late' },
    ]);
    expect(await pending.next(10, 'fixed-0010')).toEqual([{ id: 'fixed-0011', actorId: 'late' }]);
    expect(await pending.resolve(['fixed-0010', 'fixed-0003'], { status: 'resolved', guid: 'guid-late', username: 'late' })).toBe(1);
    const resolved = await reader.byId('p1', 'fixed-0010');
    expect(resolved).toMatchObject({ actorGuid: 'guid-late', actorUsername: 'late', identityStatus: 'resolved', hash: h(10), description: 'event 10 routine' });
    expect((await reader.byId('p1', 'fixed-0003'))?.identityStatus).toBe('unknown');
    expect(await pending.next(10)).toEqual([{ id: 'fixed-0011', actorId: 'late' }]);
  });

  it('seal source: digests a range in the frozen format, and tells which sequence numbers are stored', async () => {
    const { sealSource } = ports();
    const sealed = await sealSource.rangeDigest(SEAL_FORMAT_V1, 'p1', 1, 6);
    expect(sealed.count).toBe(6);
    expect(sealed.digest).toMatch(/^[0-9a-f]{64}$/);
    // The identity columns are filled in after the fact on purpose: outside the format.
    await ds.query(`UPDATE audit_events SET actor_guid = 'later', identity_status = 'resolved' WHERE project_id = 'p1' AND seq = 2`);
    expect(await sealSource.rangeDigest(SEAL_FORMAT_V1, 'p1', 1, 6)).toEqual(sealed);
    await ds.query(`UPDATE audit_events SET description = 'rewritten' WHERE project_id = 'p1' AND seq = 2`);
    expect((await sealSource.rangeDigest(SEAL_FORMAT_V1, 'p1', 1, 6)).digest).not.toBe(sealed.digest);
    expect((await sealSource.rangeDigest(SEAL_FORMAT_V1, 'p1', 50, 60)).count).toBe(0);
    expect(await sealSource.sequences('p1', 2, 4)).toEqual([2, 3, 4]);
    expect(await sealSource.countAfter('p1', 6)).toBe(3);
    await ds.query(`DELETE FROM audit_events WHERE project_id = 'p1' AND seq = 3`);
    expect(await sealSource.sequences('p1', 2, 4)).toEqual([2, 4]);
    expect((await sealSource.rangeDigest(SEAL_FORMAT_V1, 'p1', 1, 6)).count).toBe(5);
  });

  it('writer: large batches (several insert statements) keep every row, its values and each project its order', async () => {
    const { writer, reader } = ports();
    await ds.query(`INSERT INTO projects (id, name, last_seq, created_at) VALUES ('p3', 'Three', 0, 0), ('p4', 'Four', 0, 0)`);
    const event = (i: number, projectId: string) =>
      completeEvent({
        id: `large-${String(i).padStart(4, '0')}`,
        projectId,
        created: 1_767_225_600_000 + i,
        received: 1_767_225_700_000 + i,
        hash: h(1000 + i),
        action: `large.${i}`,
        actor: { id: `user${i}`, name: `User ${i}`, fields: { k: `v${i}` } },
        target: { id: `doc-${i}`, type: 'document' },
        isFailure: i % 3 === 0,
        sourceIp: i % 2 ? '10.0.0.1' : undefined,
      });
    // One unit of two projects, interleaved (150 rows), then one of a single project (70 rows).
    const mixed = Array.from({ length: 150 }, (_, i) => event(i, i % 2 ? 'p4' : 'p3'));
    const single = Array.from({ length: 70 }, (_, i) => event(150 + i, 'p3'));
    const outcomes = await writer.commit([mixed, single]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, true]);
    const p3 = [...mixed.filter((e) => e.projectId === 'p3'), ...single];
    const p4 = mixed.filter((e) => e.projectId === 'p4');
    for (const [projectId, events] of [
      ['p3', p3],
      ['p4', p4],
    ] as const) {
      const rows = await ds.query(`SELECT id, seq FROM audit_events WHERE project_id = '${projectId}' ORDER BY seq`);
      expect(rows.map((r: { id: string; seq: unknown }) => [r.id, Number(r.seq)])).toEqual(events.map((e, i) => [e.id, i + 1]));
    }
    for (const e of [mixed[0], mixed[63], mixed[64], mixed[65], mixed[149], single[0], single[69]]) {
      expect(await reader.byId(e.projectId, e.id)).toMatchObject({
        id: e.id,
        action: e.action,
        actorId: e.actor!.id,
        actorName: e.actor!.name,
        targetId: e.target!.id,
        hash: e.hash,
        isFailure: e.isFailure,
        sourceIp: e.sourceIp ?? null,
        createdAt: e.created,
        receivedAt: e.received,
      });
    }
  });

  it('writer: events of more shapes than it keeps statements prepared for each keep exactly the values they have', async () => {
    const { writer } = ports();
    await ds.query(`INSERT INTO projects (id, name, last_seq, created_at) VALUES ('p5', 'Five', 0, 0)`);
    // Each event has its own set of the seven optional columns below (SQLite prepares an INSERT per
    // set of columns written, and keeps 64); the first shapes come back after the rest pushed them out.
    const optional = ['name', 'title', 'description', 'component', 'version', 'externalId', 'sourceIp'] as const;
    const shape = (mask: number, i: number) =>
      completeEvent({
        id: `shape-${String(i).padStart(4, '0')}`,
        projectId: 'p5',
        ...Object.fromEntries(optional.flatMap((key, bit) => (mask & (1 << bit) ? [[key, `${key}-${i}`]] : []))),
      });
    const events = [...Array.from({ length: 100 }, (_, i) => shape(i + 1, i)), ...Array.from({ length: 10 }, (_, i) => shape(i + 1, 100 + i))];
    for (const event of events) expect((await writer.commit([[event]]))[0].ok).toBe(true);
    const rows: Record<string, unknown>[] = await ds.query(
      `SELECT id, name, title, description, component, version, external_id, source_ip FROM audit_events WHERE project_id = 'p5' ORDER BY seq`,
    );
    const column = { externalId: 'external_id', sourceIp: 'source_ip' } as Record<string, string>;
    expect(rows).toEqual(
      events.map((e) => ({
        id: e.id,
        ...Object.fromEntries(optional.map((key) => [column[key] ?? key, (e as unknown as Record<string, unknown>)[key] ?? null])),
      })),
    );
  });
});
