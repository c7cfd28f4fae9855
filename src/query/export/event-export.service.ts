import { Inject, Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { TooManyRequestsException } from '../../infrastructure/http/api-error';
import { AuditEventReader } from '../../event-store/event-reader';
import { AuditEventView, EVENT_VIEW_LINE, toEventView } from '../audit-event.view';
import type { EventQuery } from '../../event-store/event-query';
import type { ExportOutcome } from '../read-audit.service';
import { EVENT_SEARCH_DIALECT, EventSearchDialect, LineFormat, LineValue } from '../../event-store/event-search-dialect';
import { csvRow } from './csv';

export type ExportFormat = 'ndjson' | 'csv';

/** Exports at once: each holds a database connection, and ingestion needs the rest of the pool. */
const MAX_CONCURRENT_EXPORTS = 4;
/** Seconds a refused export is told to wait. */
const EXPORT_RETRY_AFTER_S = 5;

/** Rows per database round trip. */
const BATCH_SIZE = 250;
/** Lines per statement when the database renders them (SQLite, in this process: requests wait meanwhile). */
const RENDERED_BATCH_SIZE = 1_000;
/** Rows per chunk written to the client: small strings die young, so memory stays flat. */
const CHUNK_ROWS = 250;

/**
 * The CSV columns: each from the event's view (rendered here) and from its row (rendered by the
 * database). Free text, names and DNs often hold commas; identifiers, codes and addresses seldom do.
 */
const CSV_COLUMNS: [string, (e: AuditEventView) => string | number | boolean | null | undefined, LineValue][] = [
  ['id', (e) => e.id, { text: 'id' }],
  ['seq', (e) => e.seq, { integer: 'seq' }],
  ['created', (e) => e.created, { time: 'created_at' }],
  ['received', (e) => e.received, { time: 'received_at' }],
  ['action', (e) => e.action, { text: 'action' }],
  ['crud', (e) => e.crud, { text: 'crud' }],
  ['description', (e) => e.description, { text: 'description', commas: 'often' }],
  ['actor_id', (e) => e.actor?.id, { text: 'actor_id', commas: 'often' }],
  ['actor_name', (e) => e.actor?.name, { text: 'actor_name', commas: 'often', unless: 'actor_id' }],
  ['actor_guid', (e) => e.actor?.guid, { text: 'actor_guid', unless: 'actor_id' }],
  ['actor_username', (e) => e.actor?.username, { text: 'actor_username', unless: 'actor_id' }],
  ['actor_email', (e) => e.actor?.email, { text: 'actor_email', unless: 'actor_id' }],
  ['actor_dn', (e) => e.actor?.dn, { text: 'actor_dn', commas: 'often', unless: 'actor_id' }],
  ['actor_href', (e) => e.actor?.href, { text: 'actor_href', unless: 'actor_id' }],
  ['actor_fields', (e) => (e.actor?.fields ? JSON.stringify(e.actor.fields) : null), { json: 'actor_fields', unless: 'actor_id' }],
  ['identity_status', (e) => e.identity_status, { text: 'identity_status' }],
  ['target_id', (e) => e.target?.id, { text: 'target_id' }],
  ['target_name', (e) => e.target?.name, { text: 'target_name', commas: 'often', unless: 'target_id' }],
  ['target_type', (e) => e.target?.type, { text: 'target_type', unless: 'target_id' }],
  ['target_href', (e) => e.target?.href, { text: 'target_href', unless: 'target_id' }],
  ['target_fields', (e) => (e.target?.fields ? JSON.stringify(e.target.fields) : null), { json: 'target_fields', unless: 'target_id' }],
  ['group_id', (e) => e.group?.id, { text: 'group_id' }],
  ['group_name', (e) => e.group?.name, { text: 'group_name', commas: 'often', unless: 'group_id' }],
  ['source_ip', (e) => e.source_ip, { text: 'source_ip' }],
  ['is_failure', (e) => e.is_failure, { boolean: 'is_failure' }],
  ['is_anonymous', (e) => e.is_anonymous, { boolean: 'is_anonymous' }],
  ['fields', (e) => (e.fields ? JSON.stringify(e.fields) : null), { json: 'fields' }],
  ['metadata', (e) => (e.metadata ? JSON.stringify(e.metadata) : null), { json: 'metadata' }],
  ['name', (e) => e.name, { text: 'name', commas: 'often' }],
  ['title', (e) => e.title, { text: 'title', commas: 'often' }],
  ['component', (e) => e.component, { text: 'component' }],
  ['version', (e) => e.version, { text: 'version' }],
  ['external_id', (e) => e.external_id, { text: 'external_id' }],
  ['hash', (e) => e.hash, { text: 'hash' }],
  ['source_api', (e) => e.source_api, { text: 'source_api' }],
  ['project_id', (e) => e.project_id, { text: 'project_id' }],
];

/** A CSV row as the database renders it (EventSearchDialect.renderedLines); the same bytes as csvRow. */
export const CSV_LINE: LineFormat = { csv: CSV_COLUMNS.map(([, , value]) => value) };

export interface ExportProgress {
  rows: number;
  outcome: ExportOutcome;
}

/** Streams every event of a query as NDJSON or CSV, one database batch in memory at a time. */
@Injectable()
export class EventExportService {
  private active = 0;
  /** Exports running per project: one project's exports never take every slot. */
  private readonly activeByProject = new Map<string, number>();

  constructor(
    private readonly reader: AuditEventReader,
    @Inject(EVENT_SEARCH_DIALECT) private readonly dialect: EventSearchDialect,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * A readable that pulls the next batch only when the client has taken the previous one
   * (back-pressure); `onEnd` runs once, when the export finished, failed or the client went away.
   */
  stream(query: Omit<EventQuery, 'limit' | 'order'>, format: ExportFormat, onEnd: (progress: ExportProgress) => Promise<void>): Readable {
    const project = query.projectId;
    const ofProject = this.activeByProject.get(project) ?? 0;
    if (ofProject >= this.config.exportsPerProject) {
      throw new TooManyRequestsException(`${ofProject} exports of project ${project} are running; try again when one has finished`, EXPORT_RETRY_AFTER_S);
    }
    if (this.active >= MAX_CONCURRENT_EXPORTS) {
      throw new TooManyRequestsException(`${MAX_CONCURRENT_EXPORTS} exports are running; try again when one has finished`, EXPORT_RETRY_AFTER_S);
    }
    this.active += 1;
    this.activeByProject.set(project, ofProject + 1);
    const { reader, dialect } = this;
    // Until the last row is out, an end means the client went away (the generator is returned).
    const progress: ExportProgress = { rows: 0, outcome: 'aborted' };
    let ended: Promise<void> | undefined;
    const end = () => (ended ??= onEnd(progress).catch(() => undefined));
    async function* lines(): AsyncGenerator<string | Uint8Array> {
      try {
        if (format === 'csv') yield csvRow(CSV_COLUMNS.map(([name]) => name));
        const render = (view: AuditEventView) => (format === 'csv' ? csvRow(CSV_COLUMNS.map(([, get]) => get(view))) : `${JSON.stringify(view)}\n`);
        const rendered = dialect.renderedLines?.(
          (beforeSeq) => reader.pageQuery({ ...query, order: 'desc', beforeSeq: beforeSeq ?? query.beforeSeq }),
          format === 'csv' ? CSV_LINE : EVENT_VIEW_LINE,
          RENDERED_BATCH_SIZE,
        );
        if (rendered) {
          for await (const piece of rendered) {
            if ('unrendered' in piece) {
              // A row the database does not render byte for byte is rendered here.
              // (Gone since the snapshot was taken, it is not written, and not counted.)
              const event = await reader.byId(query.projectId, piece.unrendered);
              if (!event) continue;
              progress.rows += 1;
              yield render(toEventView(event));
            } else {
              progress.rows += piece.rows;
              yield piece.lines;
            }
          }
          progress.outcome = 'completed';
          return;
        }
        const batches = dialect.batches((beforeSeq) => reader.pageQuery({ ...query, order: 'desc', beforeSeq: beforeSeq ?? query.beforeSeq }), BATCH_SIZE);
        for await (const batch of batches) {
          for (let start = 0; start < batch.length; start += CHUNK_ROWS) {
            const end = Math.min(batch.length, start + CHUNK_ROWS);
            const lines: string[] = new Array(end - start);
            for (let i = start; i < end; i++) {
              const view = toEventView(batch[i]);
              lines[i - start] = render(view);
            }
            progress.rows += end - start;
            yield lines.join('');
          }
        }
        progress.outcome = 'completed';
      } catch (error) {
        progress.outcome = 'failed';
        throw error;
      } finally {
        // The end record is committed before the last byte leaves.
        await end();
      }
    }
    // Since when the next chunk waits for the client to take what is buffered (undefined: the
    // export is reading the database). A client that stops reading would otherwise hold the
    // database's snapshot (and, on SQLite, the WAL's checkpoint) for as long as it likes; the
    // database cannot tell, since a COPY blocked on writing is not idle.
    let waitingSince: number | undefined;
    async function* taking(): AsyncGenerator<string | Uint8Array> {
      for await (const chunk of lines()) {
        waitingSince = Date.now();
        yield chunk;
        waitingSince = undefined;
      }
    }
    const readable = Readable.from(taking(), { objectMode: false, highWaterMark: 1024 * 1024 });
    const stallMs = this.config.exportStallMs;
    const watchdog = setInterval(
      () => {
        if (waitingSince !== undefined && Date.now() - waitingSince > stallMs) readable.destroy(new Error(`the client took nothing for ${stallMs} ms`));
      },
      Math.min(stallMs, 5_000),
    );
    watchdog.unref();
    readable.once('close', () => {
      clearInterval(watchdog);
      // A client gone before the first row was read leaves the generator unstarted: its finally never runs.
      void end();
      this.active -= 1;
      const left = (this.activeByProject.get(project) ?? 1) - 1;
      if (left > 0) this.activeByProject.set(project, left);
      else this.activeByProject.delete(project);
    });
    return readable;
  }
}
