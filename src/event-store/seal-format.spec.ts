import { EVENT_COLUMNS } from './event-columns';
import { CURRENT_SEAL_FORMAT, GENESIS, SEAL_FORMAT_V1, SEAL_FORMATS, eventsDigest, sealHash, valuesDigest } from './seal-format';

const v1 = SEAL_FORMAT_V1;
const row = (overrides: Record<string, unknown>) => v1.columns.map((c) => (c in overrides ? overrides[c] : null));

describe('seal format v1', () => {
  it('covers what an event was stored with, not the identity filled in later', () => {
    expect(v1.columns).toEqual(expect.arrayContaining(['id', 'project_id', 'seq', 'action', 'description', 'actor_id', 'fields', 'hash', 'received_at']));
    for (const later of ['actor_guid', 'actor_username', 'actor_email', 'actor_dn', 'identity_status']) expect(v1.columns).not.toContain(later);
    // Every v1 column still exists in the table (a column may be added; none of these may go).
    for (const column of v1.columns) expect(EVENT_COLUMNS).toContain(column);
    expect(SEAL_FORMATS.v1).toBe(v1);
    expect(CURRENT_SEAL_FORMAT.version).toBe('v1');
  });

  it('is frozen: the digest of a fixed row is the one the first seals were made with', () => {
    // Computed by the sealer before formats had names; a seal made then must verify forever.
    const fixed = row({
      id: 'e1',
      project_id: 'default',
      seq: '7',
      source_api: 'publisher',
      action: 'user.login',
      crud: 'c',
      description: 'Zoë logged in',
      actor_id: 'jdoe',
      is_failure: 1,
      is_anonymous: 0,
      fields: '{"a":"1"}',
      created_at: '1764000000000',
      received_at: 1764000000001,
      hash: 'ab'.repeat(32),
    });
    expect(valuesDigest(v1, fixed)).toBe('eec4899ccde1481a6c17a4be71008c9b80fc78078793a1c6896b347a7f2ba4b9');
  });

  it('does not follow the events table: v1 reads the same 32 columns whatever the table holds', () => {
    jest.isolateModules(() => {
      jest.doMock('./event-columns', () => ({ EVENT_COLUMNS: [...EVENT_COLUMNS, 'region'] }));
      const reloaded = jest.requireActual<typeof import('./seal-format')>('./seal-format');
      expect(reloaded.SEAL_FORMAT_V1.columns).toHaveLength(32);
      expect(reloaded.SEAL_FORMAT_V1.columns).not.toContain('region');
    });
  });

  it('gives the same digest for a row however the driver typed it', () => {
    const asText = row({ id: 'e1', seq: '42', is_failure: true, is_anonymous: false, created_at: '1764000000000', action: 'a' });
    const asNumbers = row({ id: 'e1', seq: 42, is_failure: 1, is_anonymous: 0, created_at: 1764000000000, action: 'a' });
    expect(valuesDigest(v1, asText)).toBe(valuesDigest(v1, asNumbers));
  });

  it('changes with any value, and tells NULL from an empty string', () => {
    const base = valuesDigest(v1, row({ id: 'e1', action: 'a', description: '' }));
    expect(valuesDigest(v1, row({ id: 'e1', action: 'a', description: null }))).not.toBe(base);
    expect(valuesDigest(v1, row({ id: 'e1', action: 'b', description: '' }))).not.toBe(base);
  });

  it('chains seals: each binds its range, its events and the seal before', () => {
    const digest = eventsDigest(['aa', 'bb']);
    expect(eventsDigest(['bb', 'aa'])).not.toBe(digest);
    const first = sealHash(GENESIS, 'p', 1, 2, digest);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(sealHash(GENESIS, 'p', 1, 3, digest)).not.toBe(first);
    expect(sealHash(GENESIS, 'q', 1, 2, digest)).not.toBe(first);
    expect(sealHash(first, 'p', 3, 4, digest)).not.toBe(sealHash(GENESIS, 'p', 3, 4, digest));
  });
});
