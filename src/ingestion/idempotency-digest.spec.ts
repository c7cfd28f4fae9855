import type { AuditEventDraft } from '../event-store/audit-event';
import { idempotencyDigests, sameContent } from './idempotency-digest';

const draft = (): AuditEventDraft => ({
  id: 'x',
  projectId: 'p1',
  sourceApi: 'publisher',
  action: 'doc.read',
  crud: 'r',
  description: 'read',
  actor: { id: 'jdoe', name: 'J. Doe', fields: { dept: 'ops' } },
  target: { id: 't1', type: 'doc' },
  group: { id: 'g1', name: 'G' },
  sourceIp: '10.0.0.1',
  isFailure: false,
  isAnonymous: false,
  fields: { k: 'v' },
  created: 1764000000000,
  externalId: 'ext-1',
  identity: { status: 'unknown' },
  received: 5,
  hash: 'h',
});

describe('the idempotency digest', () => {
  it('is frozen: v1 of a fixed event is the digest stored since the first version', () => {
    // Computed by the service before digests had versions: stored originals must keep matching their retries.
    expect(idempotencyDigests(draft()).current).toBe('314404bf290a7bfc69a3ffd37e60df23a5aee81e1ab38e00b2265c0bcda8f895');
    const minimal: AuditEventDraft = {
      id: 'y',
      projectId: 'default',
      sourceApi: 'audit-api',
      action: 'a',
      isFailure: true,
      isAnonymous: true,
      externalId: 'e',
      identity: { status: 'pending' },
    };
    expect(idempotencyDigests(minimal).current).toBe('53ca7471e6e73986422d2a6c33214b9edf99c5a8a96f18b4363efb1bd933cb56');
  });

  it('ignores what the service adds and any property the draft type gains later', () => {
    const base = idempotencyDigests(draft()).current;
    const grown = {
      ...draft(),
      id: 'other',
      received: 99,
      hash: 'other',
      identity: { status: 'resolved' },
      region: 'eu-west',
      actor: { ...draft().actor!, guid: 'g' },
    } as unknown as AuditEventDraft;
    expect(idempotencyDigests(grown).current).toBe(base);
  });

  it('changes with what the client sent', () => {
    const base = idempotencyDigests(draft()).current;
    expect(idempotencyDigests({ ...draft(), description: 'other' }).current).not.toBe(base);
    expect(idempotencyDigests({ ...draft(), actor: { id: 'jdoe' } }).current).not.toBe(base);
    expect(idempotencyDigests({ ...draft(), created: undefined }).current).not.toBe(base);
  });

  it('compares a retry in the version its original was stored with', () => {
    const retry = draft();
    const digests = idempotencyDigests(retry);
    Object.assign(retry, { contentDigest: digests.current, contentDigests: digests.byVersion });
    expect(sameContent(digests.byVersion.v1, retry)).toBe(true);
    expect(sameContent('f'.repeat(64), retry)).toBe(false);
    // A version this service does not know never matches.
    expect(sameContent(`v9:${digests.byVersion.v1}`, retry)).toBe(false);
  });
});
