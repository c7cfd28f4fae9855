import { formatObjectGuid, isGuidString, objectGuidBytes } from './object-guid';

describe('objectGUID', () => {
  // The example of Microsoft's GUID layout: Data1..Data3 little-endian on the wire.
  const wire = Buffer.from('78563412bc9af0de0123456789abcdef', 'hex');

  it('prints the first three groups byte-reversed, as AD tools do', () => {
    expect(formatObjectGuid(wire)).toBe('12345678-9abc-def0-0123-456789abcdef');
  });

  it('turns the printed form back into the wire bytes', () => {
    expect(objectGuidBytes('12345678-9ABC-DEF0-0123-456789ABCDEF').equals(wire)).toBe(true);
  });

  it('round-trips every byte value', () => {
    const bytes = Buffer.from(Array.from({ length: 16 }, (_, i) => (i * 37 + 200) % 256));
    expect(objectGuidBytes(formatObjectGuid(bytes)).equals(bytes)).toBe(true);
  });

  it('refuses values that are not 16 bytes or not a GUID', () => {
    expect(() => formatObjectGuid(Buffer.alloc(15))).toThrow('16 bytes');
    expect(() => objectGuidBytes('jdoe')).toThrow('not a GUID');
    expect(isGuidString('12345678-9abc-def0-0123-456789abcdef')).toBe(true);
    expect(isGuidString('12345678-9abc-def0-0123-456789abcde')).toBe(false);
  });
});
