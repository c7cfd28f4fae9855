import { TestDatabase, createTestDatabase } from './support/databases';
import { TestApp, postJson, readAllEvents, startTestApp } from './support/test-app';

/** Which X-Forwarded-For hops count depends on TRUST_PROXY, as with Express's `trust proxy`. */
describe.each([
  ['10.0.0.0/8 (the loopback peer is not a trusted proxy)', '10.0.0.0/8', '127.0.0.1'],
  ['loopback (the default)', 'loopback', '198.51.100.9'],
  ['1 hop', '1', '198.51.100.9'],
  ['2 hops', '2', '203.0.113.5'],
])('client address with TRUST_PROXY=%s', (_name, trustProxy, expected) => {
  let db: TestDatabase;
  let t: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    t = await startTestApp(db.url, { env: { TRUST_PROXY: trustProxy } });
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  it(`stores ${expected} for X-Forwarded-For: 203.0.113.5, 198.51.100.9`, async () => {
    expect((await postJson(`${t.baseUrl}/audit/v1/event`, { action: 'xff' }, { 'x-forwarded-for': '203.0.113.5, 198.51.100.9' })).status).toBe(201);
    const [event] = await readAllEvents(t.baseUrl);
    expect(event.source_ip).toBe(expected);
  });
});
