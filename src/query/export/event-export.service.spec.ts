import type { EventSearchDialect, RenderedLines } from '../../event-store/event-search-dialect';
import type { AuditEventReader } from '../../event-store/event-reader';
import type { AppConfig } from '../../config/app-config';
import { EventExportService, ExportProgress } from './event-export.service';

describe('EventExportService: rows the database hands back unrendered', () => {
  it('writes and counts only the ones still found; one gone since the snapshot is neither written nor counted', async () => {
    const pieces: RenderedLines[] = [{ lines: '{"id":"a"}\n{"id":"b"}\n', rows: 2 }, { unrendered: 'gone' }, { lines: '{"id":"c"}\n', rows: 1 }];
    const dialect = {
      renderedLines: async function* () {
        yield* pieces;
      },
    } as unknown as EventSearchDialect;
    const reader = { byId: async () => null, pageQuery: () => undefined } as unknown as AuditEventReader;
    const config = { exportsPerProject: 2, exportStallMs: 60_000 } as unknown as AppConfig;
    const service = new EventExportService(reader, dialect, config);
    let ended: ExportProgress | undefined;
    const readable = service.stream({ projectId: 'p', filter: {} }, 'ndjson', async (progress) => void (ended = { ...progress }));
    let text = '';
    for await (const chunk of readable) text += String(chunk);
    expect(text).toBe('{"id":"a"}\n{"id":"b"}\n{"id":"c"}\n');
    expect(ended).toEqual({ rows: 3, outcome: 'completed' });
  });
});
