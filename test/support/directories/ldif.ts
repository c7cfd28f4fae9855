/**
 * Minimal LDIF (RFC 2849) and DN (RFC 4514) helpers used to seed the test
 * directories. Not a general-purpose LDIF library: enough to write entries
 * with arbitrary (non-ASCII, special-character) values correctly and to split
 * an LDIF document into records.
 */

/**
 * Escapes one RDN attribute value for a string DN (RFC 4514 section 2.4).
 *
 * Only `"`, `+`, `,`, `;`, `<`, `>`, `\`, a leading `#` or space, a trailing
 * space and NUL need escaping. `(`, `)` and `*` are NOT special in DNs (they
 * are special in search filters, RFC 4515 - use ldapts' `escapeFilter` there).
 * Non-ASCII characters are left as UTF-8, which RFC 4514 allows.
 */
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

/** Builds `attr=escapedValue,parentDn`. */
export function childDn(attribute: string, value: string, parentDn: string): string {
  return `${attribute}=${escapeDnValue(value)},${parentDn}`;
}

/**
 * Decodes one RFC 4514 attribute value: `\c` escapes and `\XX` hex escapes
 * (hex escapes are UTF-8 bytes, e.g. `\C3\AB` = "ë").
 */
export function unescapeDnValue(value: string): string {
  const bytes: number[] = [];
  const chars = Array.from(value); // code points, so astral characters stay whole
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    const hex = `${chars[i + 1] ?? ''}${chars[i + 2] ?? ''}`;
    if (ch === '\\' && /^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (ch === '\\' && i + 1 < chars.length) {
      bytes.push(...Buffer.from(chars[i + 1], 'utf8'));
      i += 1;
    } else {
      bytes.push(...Buffer.from(ch, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Splits on `separator` where it is not escaped with a backslash. */
function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\' && i + 1 < text.length) {
      current += text[i] + text[i + 1];
      i += 1;
    } else if (text[i] === separator) {
      parts.push(current);
      current = '';
    } else {
      current += text[i];
    }
  }
  parts.push(current);
  return parts;
}

/**
 * Normalises a string DN for comparison: attribute types and values lower-
 * cased, escapes canonicalised (servers may return `\2C` where we wrote `\,`
 * - slapd does), multi-valued RDNs sorted. Assumes case-insensitive values,
 * which holds for the naming attributes used here (cn, uid, ou, dc). Not a
 * full RFC 4517 matching implementation.
 */
export function normalizeDn(dn: string): string {
  return splitUnescaped(dn, ',')
    .map((rdn) =>
      splitUnescaped(rdn, '+')
        .map((ava) => {
          const eq = ava.indexOf('=');
          if (eq < 0) throw new Error(`invalid RDN "${rdn}" in DN "${dn}"`);
          const type = ava.slice(0, eq).trim().toLowerCase();
          return `${type}=${escapeDnValue(unescapeDnValue(ava.slice(eq + 1).trim())).toLowerCase()}`;
        })
        .sort()
        .join('+'),
    )
    .join(',');
}

/** True if two DNs name the same entry (see {@link normalizeDn} for the limits). */
export function dnEquals(a: string, b: string): boolean {
  return normalizeDn(a) === normalizeDn(b);
}

export type LdifValue = string | Buffer;
export type LdifAttributes = Record<string, LdifValue | LdifValue[] | undefined>;

/**
 * RFC 2849 SAFE-STRING: ASCII only, no NUL/CR/LF, must not start with space,
 * ':' or '<'. A trailing space is legal but easily lost, so it is base64'd too.
 */
function isSafeString(value: string): boolean {
  if (value.length === 0) return true;
  if (/^[ :<]/.test(value) || value.endsWith(' ')) return false;
  return /^[\x01-\x09\x0b\x0c\x0e-\x7f]*$/.test(value);
}

/** One `name: value` line, base64-encoded (`name:: ...`) when the value is not a SAFE-STRING. */
export function ldifLine(name: string, value: LdifValue): string {
  if (typeof value === 'string' && isSafeString(value)) return `${name}: ${value}`;
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  return `${name}:: ${bytes.toString('base64')}`;
}

/** A complete LDIF record (content form: an entry to add), terminated by a blank line. */
export function ldifRecord(dn: string, attributes: LdifAttributes): string {
  const lines = [ldifLine('dn', dn)];
  for (const [name, raw] of Object.entries(attributes)) {
    if (raw === undefined) continue;
    for (const value of Array.isArray(raw) ? raw : [raw]) lines.push(ldifLine(name, value));
  }
  return `${lines.join('\n')}\n\n`;
}

export interface ParsedLdifRecord {
  dn: string;
  /** Attribute name (lower-cased) -> values decoded as UTF-8. */
  attributes: Map<string, string[]>;
  /** The record's original text, with a trailing blank line. */
  text: string;
}

/**
 * Splits an LDIF document into records. Handles comments, folded lines and
 * base64 (`::`) values; `:<` URL values are rejected.
 */
export function parseLdif(ldif: string): ParsedLdifRecord[] {
  const records: ParsedLdifRecord[] = [];
  const blocks = ldif.replace(/\r\n/g, '\n').split(/\n[ \t]*\n/);
  for (const block of blocks) {
    // Unfold: a line starting with a single space continues the previous one.
    const lines: string[] = [];
    for (const raw of block.split('\n')) {
      if (raw.startsWith(' ') && lines.length > 0) lines[lines.length - 1] += raw.slice(1);
      else lines.push(raw);
    }
    const content = lines.filter((line) => line.trim() !== '' && !line.startsWith('#') && !/^version:/i.test(line));
    if (content.length === 0) continue;

    let dn: string | undefined;
    const attributes = new Map<string, string[]>();
    for (const line of content) {
      const match = /^([^:]+?)(::?|:<)\s*(.*)$/.exec(line);
      if (!match) throw new Error(`Invalid LDIF line: ${line}`);
      const [, name, separator, rawValue] = match;
      if (separator === ':<') throw new Error(`LDIF URL values are not supported: ${line}`);
      const value = separator === '::' ? Buffer.from(rawValue, 'base64').toString('utf8') : rawValue;
      if (dn === undefined) {
        if (name.toLowerCase() !== 'dn') throw new Error(`LDIF record must start with dn: ${line}`);
        dn = value;
        continue;
      }
      const key = name.toLowerCase();
      attributes.set(key, [...(attributes.get(key) ?? []), value]);
    }
    records.push({ dn: dn as string, attributes, text: `${lines.filter((l) => l !== '').join('\n')}\n\n` });
  }
  return records;
}
