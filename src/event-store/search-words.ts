/**
 * Free-text words, defined once for what is indexed (at write time) and what `q` searches for:
 * runs of letters and digits, lower-cased; everything else separates. Computing them here rather
 * than in the database keeps the tokenizer identical on both sides and takes the per-row parsing
 * cost (about 40 µs per event with a generated tsvector column) off the database.
 */
export function splitWords(text: string): string[] {
  const lower = text.toLowerCase();
  // The runs themselves (no empty pieces to filter out); ASCII text, the common case, with a
  // cheaper, non-Unicode expression that finds the same runs.
  return lower.match(ASCII_ONLY.test(lower) ? ASCII_WORDS : WORDS) ?? [];
}

const WORDS = /[\p{L}\p{N}]+/gu;
const ASCII_WORDS = /[a-z0-9]+/g;
const ASCII_ONLY = /^[\x00-\x7f]*$/;

/** Longer words are not indexed (PostgreSQL caps a lexeme at 2,047 bytes; a word this long is a blob, not a word). */
export const MAX_WORD_LENGTH = 500;
/** At most this many characters of distinct words per event (a tsvector holds at most 1 MB). */
export const MAX_SEARCH_TEXT = 200_000;

/**
 * The distinct words of an event's searchable parts (action, description, actor and target ids and
 * names, target type, group name, fields as stored), space-separated, in first-seen order.
 */
export function searchWordsOf(parts: ReadonlyArray<string | null | undefined>): string {
  let text = '';
  for (const part of parts) if (part) text += `${part} `;
  const seen = new Set<string>();
  let length = 0;
  let words = '';
  for (const word of splitWords(text)) {
    if (word.length > MAX_WORD_LENGTH || seen.has(word)) continue;
    if (length + word.length + 1 > MAX_SEARCH_TEXT) break;
    seen.add(word);
    length += word.length + 1;
    words = words === '' ? word : `${words} ${word}`;
  }
  return words;
}
