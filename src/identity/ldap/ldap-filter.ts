/**
 * RFC 4515 escaping of a value that goes into a string search filter: `*`, `(`, `)`, `\` and NUL
 * become `\2a`, `\28`, `\29`, `\5c`, `\00`, so an identifier such as `*` or `jdoe)(mail=*` is
 * matched literally and never widens the filter. Non-ASCII stays as UTF-8 text: ldapts encodes it
 * correctly, whereas hex-escaped bytes above 0x7f would be re-encoded.
 */
export function escapeFilterValue(value: string): string {
  return value.replace(/[*()\\\0]/g, (ch) => `\\${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Puts the escaped identifier into every `{id}` of a filter template. */
export function renderUserFilter(template: string, identifier: string): string {
  const escaped = escapeFilterValue(identifier);
  return template.split('{id}').join(escaped);
}
