import { MigrationInterface, QueryRunner } from 'typeorm';
import { SEARCHABLE_COLUMNS, searchableValues } from '../../../../ingestion/event-store/audit-event-store';
import { searchWordsOf } from '../../../../ingestion/search-words';
import { SEARCH_TEXT_SQL } from './1764300000000-event-search';

const BACKFILL_BATCH = 5000;

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
      const words = rows.map((row) => ({ id: row.id, words: searchWordsOf(searchableValues(row)) }));
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
    await q.query(`ALTER TABLE audit_events ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (to_tsvector('simple', left(${SEARCH_TEXT_SQL}, 200000))) STORED`);
    await q.query(`CREATE INDEX audit_events_search ON audit_events USING GIN (search_vector)`);
  }
}
