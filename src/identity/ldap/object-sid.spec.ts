import { formatSid, primaryGroupSid } from './object-sid';

describe('objectSid', () => {
  it('formats the well-known BUILTIN\\Administrators SID from its published bytes', () => {
    expect(formatSid(Buffer.from('01020000000000052000000020020000', 'hex'))).toBe('S-1-5-32-544');
  });

  it('formats a domain account SID, sub-authorities little-endian', () => {
    // S-1-5-21-1004336348-1177238915-682003330-512 (Domain Admins of a sample domain).
    const bytes = Buffer.from('010500000000000515000000dcf4dc3b833d2b46828ba628' + '00020000', 'hex');
    expect(formatSid(bytes)).toBe('S-1-5-21-1004336348-1177238915-682003330-512');
  });

  it('refuses bytes that are not a SID', () => {
    expect(formatSid(Buffer.from('0102000000000005200000', 'hex'))).toBeUndefined();
    expect(formatSid(Buffer.from('02010000000000050a000000', 'hex'))).toBeUndefined();
    expect(formatSid(Buffer.alloc(0))).toBeUndefined();
  });

  it("names the primary group as the RID in the person's own domain", () => {
    expect(primaryGroupSid('S-1-5-21-1004336348-1177238915-682003330-1105', '513')).toBe('S-1-5-21-1004336348-1177238915-682003330-513');
    expect(primaryGroupSid(undefined, '513')).toBeUndefined();
    expect(primaryGroupSid('S-1-5-21-1-2-3-1105', undefined)).toBeUndefined();
    expect(primaryGroupSid('S-1-5-21-1-2-3-1105', '51x')).toBeUndefined();
  });
});
