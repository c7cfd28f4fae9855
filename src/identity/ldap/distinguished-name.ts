/**
 * RFC 4514 distinguished names, parsed far enough to compare them: servers return the same DN with
 * different escaping (`\2C` for `\,`, `\5C` for `\\`) and case, so DNs are matched by a canonical key.
 */

/** Splits on `separator` where it is not escaped. */
function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\' && i + 1 < text.length) {
      current += ch + text[i + 1];
      i += 1;
    } else if (ch === separator) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}

/** Decodes `\c` and `\XX` (UTF-8 byte) escapes of one attribute value. */
export function unescapeDnValue(value: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '\\' && /^[0-9a-fA-F]{2}$/.test(value.slice(i + 1, i + 3))) {
      bytes.push(parseInt(value.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (ch === '\\' && i + 1 < value.length) {
      i += 1;
      const cp = value.codePointAt(i) as number;
      const char = String.fromCodePoint(cp);
      bytes.push(...Buffer.from(char, 'utf8'));
      i += char.length - 1;
    } else {
      const cp = value.codePointAt(i) as number;
      const char = String.fromCodePoint(cp);
      bytes.push(...Buffer.from(char, 'utf8'));
      i += char.length - 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Escapes one attribute value for a string DN (RFC 4514 section 2.4). */
export function escapeDnValue(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '\0') out += '\\00';
    else if ('"+,;<>\\'.includes(ch)) out += `\\${ch}`;
    else if (i === 0 && (ch === '#' || ch === ' ')) out += `\\${ch}`;
    else if (i === value.length - 1 && ch === ' ') out += '\\ ';
    else out += ch;
  }
  return out;
}

/**
 * A canonical key for a DN: attribute types and values lower-cased, escapes canonical, multi-valued
 * RDNs sorted. Returns undefined when the text is not a DN. Case-insensitive values hold for the
 * naming attributes directories use for people and groups (cn, uid, ou, dc, o).
 */
export function dnKey(dn: string): string | undefined {
  if (!dn.includes('=')) return undefined;
  const rdns: string[] = [];
  for (const rdn of splitUnescaped(dn, ',')) {
    const avas: string[] = [];
    for (const ava of splitUnescaped(rdn, '+')) {
      const eq = ava.indexOf('=');
      if (eq <= 0) return undefined;
      const type = ava.slice(0, eq).trim().toLowerCase();
      if (!/^([a-z][a-z0-9-]*|\d+(\.\d+)*)$/.test(type)) return undefined;
      avas.push(`${type}=${escapeDnValue(unescapeDnValue(ava.slice(eq + 1).trim())).toLowerCase()}`);
    }
    rdns.push(avas.sort().join('+'));
  }
  return rdns.join(',');
}

/** The value of the first RDN (`CN=Jane Doe,OU=...` → `Jane Doe`), unescaped. */
export function firstRdnValue(dn: string): string | undefined {
  const first = splitUnescaped(dn, ',')[0];
  const eq = first?.indexOf('=') ?? -1;
  return eq > 0 ? unescapeDnValue(first.slice(eq + 1).trim()) : undefined;
}

/** The `DC=` labels of a DN, in order (`DC=corp,DC=example,DC=com` → corp, example, com). */
export function domainComponents(dn: string): string[] {
  return splitUnescaped(dn, ',')
    .map((rdn) => rdn.trim())
    .filter((rdn) => /^dc=/i.test(rdn))
    .map((rdn) => unescapeDnValue(rdn.slice(3)));
}
