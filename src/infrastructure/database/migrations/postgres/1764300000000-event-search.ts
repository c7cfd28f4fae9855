import { MigrationInterface, QueryRunner } from 'typeorm';

/** Characters that separate words in identifiers, emails and JSON; searched text treats them as spaces. */
export const SEARCH_PUNCTUATION = `._-@/:"{},=\\[]`;
const SPACES = ' '.repeat(SEARCH_PUNCTUATION.length);
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

/**
 * The text `q` searches: description, action, actor and target names and ids as logged, group name,
 * fields. Not the identity columns: the enricher fills them, and indexing them too would make
 * enrichment cost ingest throughput (actors are found by GUID through `actor`, not `q`).
 */
export const SEARCH_TEXT_SQL = `translate(lower(
  coalesce(action, '') || ' ' || coalesce(description, '') || ' ' || coalesce(actor_id, '') || ' ' || coalesce(actor_name, '') || ' ' ||
  coalesce(target_id, '') || ' ' || coalesce(target_name, '') || ' ' ||
  coalesce(target_type, '') || ' ' || coalesce(group_name, '') || ' ' || coalesce(fields, '')), ${literal(SEARCH_PUNCTUATION)}, ${literal(SPACES)})`;

/** A tsvector holds at most 1 MB: the searchable text is cut well below it, so no event is refused. */
const SEARCH_TEXT_LIMIT = 200_000;

/** Free-text search (a generated tsvector with a GIN index) and the index for raw actor ids. */
export class EventSearchPostgres1764300000000 implements MigrationInterface {
  name = 'EventSearchPostgres1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE audit_events ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (to_tsvector('simple', left(${SEARCH_TEXT_SQL}, ${SEARCH_TEXT_LIMIT}))) STORED`,
    );
    await q.query(`CREATE INDEX audit_events_search ON audit_events USING GIN (search_vector)`);
    await q.query(`CREATE INDEX audit_events_project_actor_id ON audit_events (project_id, actor_id, seq)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX audit_events_project_actor_id`);
    await q.query(`DROP INDEX audit_events_search`);
    await q.query(`ALTER TABLE audit_events DROP COLUMN search_vector`);
  }
}
