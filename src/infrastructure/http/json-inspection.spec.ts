import { inspectRequestValue } from './json-inspection';

describe('inspectRequestValue', () => {
  it('accepts an ordinary event, non-ASCII and astral characters included', () => {
    expect(inspectRequestValue({ action: 'a', actor: { id: 'zoë 🚀' }, fields: { k: 'v' } })).toBeUndefined();
  });

  it('names the field holding a NUL or a lone surrogate, however deep', () => {
    expect(inspectRequestValue({ events: [{ action: 'a' }, { actor: { id: 'x\u0000y' } }] })).toMatchObject({
      field: 'events[1].actor.id',
      rule: 'noNulCharacter',
    });
    expect(inspectRequestValue({ description: 'broken \ud800 text' })).toMatchObject({ field: 'description', rule: 'isWellFormedUnicode' });
    expect(inspectRequestValue({ fields: { 'k\udc00': 'v' } })).toMatchObject({ field: 'fields', rule: 'isWellFormedUnicode' });
    expect(inspectRequestValue('\u0000', 'actor')).toMatchObject({ field: 'actor', rule: 'noNulCharacter' });
  });

  it('refuses nesting past the limit without recursion, even 100,000 deep', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(inspectRequestValue(deep)).toMatchObject({ field: expect.stringMatching(/^\[0\]/), rule: 'maxDepth' });
    let ok: unknown = {};
    for (let i = 0; i < 31; i++) ok = { a: ok };
    expect(inspectRequestValue(ok)).toBeUndefined();
    expect(inspectRequestValue({ a: ok })).toMatchObject({ rule: 'maxDepth' });
  });
});

describe('inspectRequestValue on keys', () => {
  it('refuses keys that would reach object prototypes, and objects with too many keys', () => {
    expect(inspectRequestValue({ action: 'a', fields: { constructor: '1' } })).toMatchObject({ field: 'fields', rule: 'reservedKey' });
    expect(inspectRequestValue({ name: { prototype: 1 } })).toMatchObject({ field: 'name', rule: 'reservedKey' });
    const wide = Object.fromEntries(Array.from({ length: 1_001 }, (_, i) => [`k${i}`, 'v']));
    expect(inspectRequestValue({ fields: wide })).toMatchObject({ field: 'fields', rule: 'maxKeys' });
    expect(inspectRequestValue({ fields: Object.fromEntries(Object.entries(wide).slice(1)) })).toBeUndefined();
  });
});
