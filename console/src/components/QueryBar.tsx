import { useEffect, useState } from 'preact/hooks';
import { Chip, formatQuery, ParsedQuery, parseQuery, QUALIFIERS, withoutChip } from '../query-syntax';

const LABEL: Record<string, string> = { member_of: 'member of', ip: 'address' };

/** The query bar and its chips, kept in step: a chip removed rewrites the text, the text typed rewrites the chips. */
export function QueryBar({ value, onSearch, label }: { value: string; onSearch: (text: string) => void; label: string }) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  const parsed: ParsedQuery = parseQuery(value);
  return (
    <div>
      <form
        class="querybar"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          onSearch(formatQuery(parseQuery(text)));
        }}
      >
        <label for="query" class="visually-hidden">
          {label}
        </label>
        <input
          id="query"
          type="search"
          value={text}
          onInput={(e) => setText((e.target as HTMLInputElement).value)}
          placeholder={`${QUALIFIERS.map((q) => `${q}:`).join(' ')} or free text`}
          aria-describedby="query-help"
          spellcheck={false}
        />
        <button type="submit" class="btn primary">
          Search
        </button>
      </form>
      <p id="query-help" class="visually-hidden">
        Qualifiers: {QUALIFIERS.join(', ')}; since and until take a date or an ISO time; other words are searched as free text.
      </p>
      {parsed.chips.length > 0 ? (
        <ul class="chips" aria-label="Active filters">
          {parsed.chips.map((chip: Chip, i) => (
            <li>
              <button
                type="button"
                onClick={() => onSearch(formatQuery(withoutChip(parsed, i)))}
                aria-label={`Remove filter ${LABEL[chip.key] ?? chip.key} ${chip.value}`}
              >
                {LABEL[chip.key] ?? chip.key}: {chip.value} <span aria-hidden="true">×</span>
              </button>
            </li>
          ))}
          {parsed.text ? (
            <li>
              <span class="notice">text: {parsed.text}</span>
            </li>
          ) : null}
        </ul>
      ) : null}
    </div>
  );
}
