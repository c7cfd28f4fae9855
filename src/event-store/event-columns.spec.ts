import type { CompleteAuditEvent } from './audit-event';
import { EVENT_COLUMNS, appendEventRow, eventRecord } from './event-columns';

/** Every column filled with a value of its own, and the same event with every optional part left out. */
const full: CompleteAuditEvent = {
  id: 'id-1',
  projectId: 'project-1',
  sourceApi: 'publisher',
  action: 'action-1',
  crud: 'u',
  name: 'name-1',
  title: 'title-1',
  description: 'description-1',
  group: { id: 'group-1', name: 'group-name-1' },
  actor: { id: 'actor-1', name: 'actor-name-1', href: 'actor-href-1', fields: { a: '1' } },
  target: { id: 'target-1', name: 'target-name-1', type: 'target-type-1', href: 'target-href-1', fields: { t: '2' } },
  sourceIp: '10.0.0.1',
  isFailure: true,
  isAnonymous: false,
  fields: { f: '3' },
  metadata: { m: '4' },
  created: 1_000,
  received: 2_000,
  component: 'component-1',
  version: 'version-1',
  externalId: 'external-1',
  hash: 'hash-1',
  identity: { status: 'resolved', guid: 'guid-1', username: 'username-1', email: 'email-1', dn: 'dn-1' },
  contentDigest: 'digest-1',
};
const sparse: CompleteAuditEvent = {
  id: 'id-2',
  projectId: 'project-2',
  sourceApi: 'audit-api',
  action: 'action-2',
  isFailure: false,
  isAnonymous: true,
  created: 3_000,
  received: 4_000,
  identity: { status: 'unknown' },
};

describe('appendEventRow', () => {
  it.each([
    ['every column filled', full],
    ['only what every event has', sparse],
  ])('%s: the values of eventRecord in EVENT_COLUMNS order, NULL as null, booleans as 1 / 0', (_, event) => {
    const record: Record<string, unknown> = eventRecord(event);
    const expected = EVENT_COLUMNS.map((column) => {
      if (column === 'seq') return 42;
      const value = record[column];
      return typeof value === 'boolean' ? (value ? 1 : 0) : (value ?? null);
    });
    const values: unknown[] = ['before'];
    appendEventRow(values, event, 42);
    expect(values).toEqual(['before', ...expected]);
  });

  it('fills every column of a full event (the case above tests each position)', () => {
    const values: unknown[] = [];
    appendEventRow(values, full, 42);
    expect(values.filter((value) => value === null)).toEqual([]);
    expect(new Set(values.filter((v) => typeof v === 'string')).size).toBe(values.filter((v) => typeof v === 'string').length);
  });
});
