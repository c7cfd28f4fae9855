/**
 * Active Directory objectGUID conversions (reference implementation for the
 * tests).
 *
 * AD returns objectGUID as 16 raw bytes in the Microsoft GUID memory layout:
 * Data1 (4 bytes), Data2 (2) and Data3 (2) are little-endian, Data4 (8) is
 * in order. The canonical text form (what `samba-tool`, PowerShell and the
 * `<GUID=...>` DN syntax use) prints Data1-3 as big-endian numbers, so those
 * first three groups are byte-reversed relative to the wire bytes.
 */

const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** 16 wire bytes -> `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (lower case). */
export function formatObjectGuid(bytes: Buffer): string {
  if (bytes.length !== 16) throw new Error(`objectGUID must be 16 bytes, got ${bytes.length}`);
  const hex = (start: number, end: number, reverse: boolean): string => {
    const slice = Buffer.from(bytes.subarray(start, end));
    return (reverse ? slice.reverse() : slice).toString('hex');
  };
  return [hex(0, 4, true), hex(4, 6, true), hex(6, 8, true), hex(8, 10, false), hex(10, 16, false)].join('-');
}

/** Canonical GUID string -> 16 wire bytes (inverse of {@link formatObjectGuid}). */
export function parseObjectGuid(guid: string): Buffer {
  if (!GUID_PATTERN.test(guid)) throw new Error(`not a GUID: ${guid}`);
  const [d1, d2, d3, d4, d5] = guid.split('-');
  const le = (hex: string): Buffer => Buffer.from(hex, 'hex').reverse();
  return Buffer.concat([le(d1), le(d2), le(d3), Buffer.from(d4 + d5, 'hex')]);
}

/**
 * Filter assertion value for `(objectGUID=...)`: every byte escaped as `\xx`
 * (RFC 4515), since the raw bytes are binary.
 */
export function objectGuidFilterValue(guid: Buffer | string): string {
  const bytes = typeof guid === 'string' ? parseObjectGuid(guid) : guid;
  return Array.from(bytes, (b) => `\\${b.toString(16).padStart(2, '0')}`).join('');
}
