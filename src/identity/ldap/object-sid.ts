/**
 * Active Directory security identifiers (objectSid) travel as bytes: revision, the number of
 * sub-authorities, a 48-bit big-endian identifier authority, then each sub-authority as a 32-bit
 * little-endian number. The last sub-authority of an account or group SID is its RID.
 */

/** The bytes → the `S-1-5-21-…` form AD's tools print; undefined when they are not a SID. */
export function formatSid(bytes: Uint8Array): string | undefined {
  if (bytes.length < 8 || bytes[0] !== 1) return undefined;
  const count = bytes[1];
  if (bytes.length !== 8 + 4 * count) return undefined;
  let authority = 0;
  for (let i = 2; i < 8; i++) authority = authority * 256 + bytes[i];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts = [`S-1-${authority}`];
  for (let i = 0; i < count; i++) parts.push(String(view.getUint32(8 + 4 * i, true)));
  return parts.join('-');
}

/**
 * The SID of a person's primary group (AD keeps that membership out of `memberOf` and the group's
 * `member`, as `primaryGroupID`, the group's RID in the person's own domain).
 */
export function primaryGroupSid(personSid: string | undefined, primaryGroupId: string | undefined): string | undefined {
  if (!personSid || !primaryGroupId || !/^\d+$/.test(primaryGroupId)) return undefined;
  const domain = personSid.slice(0, personSid.lastIndexOf('-'));
  return domain.startsWith('S-1-') ? `${domain}-${primaryGroupId}` : undefined;
}
