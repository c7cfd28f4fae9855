import { newEventId } from './event-id';

describe('newEventId', () => {
  it('is 32 lowercase hex digits that sort by time', () => {
    const a = newEventId(1_700_000_000_000);
    const b = newEventId(1_700_000_000_001);
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(a < b).toBe(true);
  });

  it('does not repeat across many ids in the same millisecond', () => {
    const ids = new Set(Array.from({ length: 20_000 }, () => newEventId(1_700_000_000_000)));
    expect(ids.size).toBe(20_000);
  });
});
