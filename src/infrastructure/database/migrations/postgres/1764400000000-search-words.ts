import { MigrationInterface, QueryRunner } from 'typeorm';

/*
 * A migration is a snapshot of its day: what it needs of the service's code is copied here as it
 * was then (ingestion's searchable columns and word splitting of 2026-11), so a later change there
 * cannot change what upgrading from before this migration does.
 */
const BACKFILL_BATCH = 5000;
const SEARCHABLE_COLUMNS = ['action', 'description', 'actor_id', 'actor_name', 'target_id', 'target_name', 'target_type', 'group_name', 'fields'] as const;
const MAX_WORD_LENGTH = 500;
const MAX_SEARCH_TEXT = 200_000;

function splitWords(text: string): string[] {
  const lower = text.toLowerCase();
  return lower.split(/^[\x00-\x7f]*$/.test(lower) ? /[^a-z0-9]+/ : /[^\p{L}\p{N}]+/u).filter((word) => word.length > 0);
}

function searchWordsOf(parts: ReadonlyArray<string | null | undefined>): string {
  let text = '';
  for (const part of parts) if (part) text += `${part} `;
  const seen = new Set<string>();
  let length = 0;
  for (const word of splitWords(text)) {
    if (word.length > MAX_WORD_LENGTH || seen.has(word)) continue;
    if (length + word.length + 1 > MAX_SEARCH_TEXT) break;
    seen.add(word);
    length += word.length + 1;
  }
  return [...seen].join(' ');
}

/** The generated column's text before this migration (1764300000000-event-search), for `down`. */
const SEARCH_PUNCTUATION = `._-@/:"{},=\\[]`;
const SEARCH_TEXT_SQL = `translate(lower(
  coalesce(action, '') || ' ' || coalesce(description, '') || ' ' || coalesce(actor_id, '') || ' ' || coalesce(actor_name, '') || ' ' ||
  coalesce(target_id, '') || ' ' || coalesce(target_name, '') || ' ' ||
  coalesce(target_type, '') || ' ' || coalesce(group_name, '') || ' ' || coalesce(fields, '')), '${SEARCH_PUNCTUATION.replace(/'/g, "''")}', '${' '.repeat(SEARCH_PUNCTUATION.length)}')`;

type SearchableRow = { id: string } & Record<(typeof SEARCHABLE_COLUMNS)[number], string | null>;

/**
 * Ingestion cost, measured on 200,000 rows in batches of 1,000: the generated tsvector column
 * (lower + translate + the text-search parser) cost ≈ 40 µs per row inside PostgreSQL and the
 * foreign key to `projects` ≈ 8 µs, out of ≈ 100 µs in all. The words are now computed by the
 * service as it writes (search-words.ts, the same function that splits `q`) and only turned into a
 * tsvector here; the insert statement already refuses rows of unknown projects (their sequence
 * number is NULL), so the foreign key only repeated that check. Existing rows get their words
 * recomputed with the same function, so old and new events are searched alike.
 */
export class SearchWordsPostgres1764400000000 implements MigrationInterface {
  name = 'SearchWordsPostgres1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_events ALTER COLUMN search_vector DROP EXPRESSION`);
    await q.query(`ALTER TABLE audit_events DROP CONSTRAINT IF EXISTS audit_events_project_id_fkey`);
    let after = '';
    for (;;) {
      const rows: SearchableRow[] = await q.query(
        `SELECT id, ${SEARCHABLE_COLUMNS.join(', ')} FROM audit_events WHERE id > $1 ORDER BY id LIMIT ${BACKFILL_BATCH}`,
        [after],
      );
      if (rows.length === 0) break;
      const words = rows.map((row) => ({ id: row.id, words: searchWordsOf(SEARCHABLE_COLUMNS.map((column) => row[column])) }));
      await q.query(
        `UPDATE audit_events e SET search_vector = array_to_tsvector(string_to_array(w.words, ' '))
         FROM json_to_recordset($1::json) AS w(id varchar, words text) WHERE e.id = w.id`,
        [JSON.stringify(words)],
      );
      after = rows[rows.length - 1].id;
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_events ADD CONSTRAINT audit_events_project_id_fkey FOREIGN KEY (project_id) REFERENCES projects(id)`);
    await q.query(`ALTER TABLE audit_events DROP COLUMN search_vector`);
    await q.query(
      `ALTER TABLE audit_events ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (to_tsvector('simple', left(${SEARCH_TEXT_SQL}, 200000))) STORED`,
    );
    await q.query(`CREATE INDEX audit_events_search ON audit_events USING GIN (search_vector)`);
  }
}
