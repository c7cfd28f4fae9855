import { HttpStatus } from '@nestjs/common';
import { InvalidInputException } from '../infrastructure/http/api-error';
import type { CompleteAuditEvent } from './audit-event';
import { completeEvent } from '../../test/factories/complete-event';
import { planBatch } from './idempotency-plan';

const event = (id: string, externalId?: string, digest = 'd1', projectId = 'p'): CompleteAuditEvent =>
  completeEvent({ id, projectId, action: 'a', externalId, contentDigest: externalId ? digest : undefined, hash: `h-${id}` });

describe('planBatch (external_id idempotency)', () => {
  it('inserts events without external_id and new external_ids', () => {
    const plan = planBatch([[event('a')], [event('b', 'x')]], []);
    expect(plan.inserts.map((e) => e.id)).toEqual(['a', 'b']);
    expect(plan.outcomes).toEqual([
      { ok: true, events: [{ id: 'a', hash: 'h-a' }] },
      { ok: true, events: [{ id: 'b', hash: 'h-b' }] },
    ]);
  });

  it('answers a retry of a stored event with the original id and hash and inserts nothing', () => {
    const plan = planBatch([[event('new', 'x')]], [{ projectId: 'p', externalId: 'x', id: 'orig', hash: 'h-orig', contentDigest: 'd1' }]);
    expect(plan.inserts).toEqual([]);
    expect(plan.outcomes).toEqual([{ ok: true, events: [{ id: 'orig', hash: 'h-orig' }] }]);
  });

  it('answers a second copy within the same batch with the first copy', () => {
    const plan = planBatch([[event('first', 'x')], [event('second', 'x')]], []);
    expect(plan.inserts.map((e) => e.id)).toEqual(['first']);
    expect(plan.outcomes[1]).toEqual({ ok: true, events: [{ id: 'first', hash: 'h-first' }] });
  });

  it('refuses a whole unit with 409 when one of its external_ids was used for different content', () => {
    const plan = planBatch(
      [[event('a'), event('b', 'x', 'other')], [event('c')]],
      [{ projectId: 'p', externalId: 'x', id: 'orig', hash: 'h', contentDigest: 'd1' }],
    );
    expect(plan.inserts.map((e) => e.id)).toEqual(['c']);
    expect(plan.outcomes[0].ok).toBe(false);
    const error = (plan.outcomes[0] as unknown as { error: InvalidInputException }).error;
    expect(error.getStatus()).toBe(HttpStatus.CONFLICT);
    expect(error.fieldErrors[0].field).toBe('events[1].external_id');
  });

  it('keeps external_ids of different projects apart', () => {
    const plan = planBatch([[event('a', 'x', 'd1', 'p1')], [event('b', 'x', 'd2', 'p2')]], []);
    expect(plan.inserts.map((e) => e.id)).toEqual(['a', 'b']);
  });
});
