import { GENESIS, SEALED_COLUMNS, eventsDigest, sealHash, valuesDigest } from './event-digest';

const row = (overrides: Record<string, unknown>) => SEALED_COLUMNS.map((c) => (c in overrides ? overrides[c] : null));

describe('event digests', () => {
  it('covers what an event was stored with, not the identity filled in later', () => {
    expect(SEALED_COLUMNS).toEqual(expect.arrayContaining(['id', 'project_id', 'seq', 'action', 'description', 'actor_id', 'fields', 'hash', 'received_at']));
    for (const later of ['actor_guid', 'actor_username', 'actor_email', 'actor_dn', 'identity_status']) expect(SEALED_COLUMNS).not.toContain(later);
  });

  it('gives the same digest for a row however the driver typed it', () => {
    const asText = row({ id: 'e1', seq: '42', is_failure: true, is_anonymous: false, created_at: '1764000000000', action: 'a' });
    const asNumbers = row({ id: 'e1', seq: 42, is_failure: 1, is_anonymous: 0, created_at: 1764000000000, action: 'a' });
    expect(valuesDigest(asText)).toBe(valuesDigest(asNumbers));
  });

  it('changes with any value, and tells NULL from an empty string', () => {
    const base = valuesDigest(row({ id: 'e1', action: 'a', description: '' }));
    expect(valuesDigest(row({ id: 'e1', action: 'a', description: null }))).not.toBe(base);
    expect(valuesDigest(row({ id: 'e1', action: 'b', description: '' }))).not.toBe(base);
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
