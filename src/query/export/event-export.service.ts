import { Inject, Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { TooManyRequestsException } from '../../infrastructure/http/api-error';
import { AuditEventReader } from '../../event-store/event-reader';
import { AuditEventView, toEventView } from '../audit-event.view';
import type { EventQuery } from '../../event-store/event-query';
import type { ExportOutcome } from '../read-audit.service';
import { EVENT_SEARCH_DIALECT, EventSearchDialect } from '../../event-store/event-search-dialect';
import { csvRow } from './csv';

export type ExportFormat = 'ndjson' | 'csv';

/** Exports at once: each holds a database connection, and ingestion needs the rest of the pool. */
const MAX_CONCURRENT_EXPORTS = 4;
/** Seconds a refused export is told to wait. */
const EXPORT_RETRY_AFTER_S = 5;

/** Rows per database round trip. */
const BATCH_SIZE = 250;
/** Rows per chunk written to the client: small strings die young, so memory stays flat. */
const CHUNK_ROWS = 250;

const CSV_COLUMNS: [string, (e: AuditEventView) => string | number | boolean | null | undefined][] = [
  ['id', (e) => e.id],
  ['seq', (e) => e.seq],
  ['created', (e) => e.created],
  ['received', (e) => e.received],
  ['action', (e) => e.action],
  ['crud', (e) => e.crud],
  ['description', (e) => e.description],
  ['actor_id', (e) => e.actor?.id],
  ['actor_name', (e) => e.actor?.name],
  ['actor_guid', (e) => e.actor?.guid],
  ['actor_username', (e) => e.actor?.username],
  ['actor_email', (e) => e.actor?.email],
  ['actor_dn', (e) => e.actor?.dn],
  ['actor_href', (e) => e.actor?.href],
  ['actor_fields', (e) => (e.actor?.fields ? JSON.stringify(e.actor.fields) : null)],
  ['identity_status', (e) => e.identity_status],
  ['target_id', (e) => e.target?.id],
  ['target_name', (e) => e.target?.name],
  ['target_type', (e) => e.target?.type],
  ['target_href', (e) => e.target?.href],
  ['target_fields', (e) => (e.target?.fields ? JSON.stringify(e.target.fields) : null)],
  ['group_id', (e) => e.group?.id],
  ['group_name', (e) => e.group?.name],
  ['source_ip', (e) => e.source_ip],
  ['is_failure', (e) => e.is_failure],
  ['is_anonymous', (e) => e.is_anonymous],
  ['fields', (e) => (e.fields ? JSON.stringify(e.fields) : null)],
  ['metadata', (e) => (e.metadata ? JSON.stringify(e.metadata) : null)],
  ['name', (e) => e.name],
  ['title', (e) => e.title],
  ['component', (e) => e.component],
  ['version', (e) => e.version],
  ['external_id', (e) => e.external_id],
  ['hash', (e) => e.hash],
  ['source_api', (e) => e.source_api],
  ['project_id', (e) => e.project_id],
];

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
    async function* lines(): AsyncGenerator<string> {
      try {
        if (format === 'csv') yield csvRow(CSV_COLUMNS.map(([name]) => name));
        const batches = dialect.batches((beforeSeq) => reader.pageQuery({ ...query, order: 'desc', beforeSeq: beforeSeq ?? query.beforeSeq }), BATCH_SIZE);
        for await (const batch of batches) {
          for (let start = 0; start < batch.length; start += CHUNK_ROWS) {
            const end = Math.min(batch.length, start + CHUNK_ROWS);
            const lines: string[] = new Array(end - start);
            for (let i = start; i < end; i++) {
              const view = toEventView(batch[i]);
              lines[i - start] = format === 'csv' ? csvRow(CSV_COLUMNS.map(([, get]) => get(view))) : `${JSON.stringify(view)}\n`;
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
    const readable = Readable.from(lines(), { objectMode: false, highWaterMark: 16 * 1024 });
    readable.once('close', () => {
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
