/**
 * Active Directory's objectGUID travels as 16 bytes in Microsoft's GUID memory layout: the first
 * three groups (Data1, Data2, Data3) are little-endian, the last eight bytes are in order. AD's own
 * tools (PowerShell, samba-tool, the `<GUID=...>` DN form) print those groups as big-endian numbers.
 */

const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for the canonical dashed form (any case), e.g. an entryUUID or a printed objectGUID. */
export function isGuidString(value: string): boolean {
  return GUID_PATTERN.test(value);
}

/** 16 wire bytes → the canonical lowercase dashed string AD's tools print. */
export function formatObjectGuid(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new Error(`an objectGUID has 16 bytes, got ${bytes.length}`);
  const hex = (i: number): string => bytes[i].toString(16).padStart(2, '0');
  const run = (indexes: number[]): string => indexes.map(hex).join('');
  return [run([3, 2, 1, 0]), run([5, 4]), run([7, 6]), run([8, 9]), run([10, 11, 12, 13, 14, 15])].join('-');
}

/** The canonical string → the 16 wire bytes, for a binary equality filter. */
export function objectGuidBytes(guid: string): Buffer {
  if (!isGuidString(guid)) throw new Error(`not a GUID: ${guid}`);
  const hex = guid.replace(/-/g, '');
  const wire = Buffer.from(hex, 'hex');
  return Buffer.from([wire[3], wire[2], wire[1], wire[0], wire[5], wire[4], wire[7], wire[6], ...wire.subarray(8)]);
}
