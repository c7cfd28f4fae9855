import { LoggerService } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test, TestingModuleBuilder } from '@nestjs/testing';
import { AppModule } from '../../src/app.module';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { closeListener, configureApp, fastifyOptions } from '../../src/infrastructure/http/http-server';
import { JsonLogger } from '../../src/infrastructure/logging/json-logger';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  baseUrl: string;
  close(): Promise<void>;
}

/**
 * Boots the real AppModule in this process on a free port, on the given database.
 * `customize` may override providers or import extra modules, as a team extending the service would.
 */
export async function startTestApp(
  databaseUrl: string,
  options: {
    env?: Record<string, string>;
    customize?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
    extraImports?: any[];
    modules?: Parameters<typeof AppModule.forRoot>[1];
  } = {},
): Promise<TestApp> {
  const config = loadConfig({ DATABASE_URL: databaseUrl, AUDIT_ADMIN_TOKEN: ADMIN_TOKEN, LOG_LEVEL: 'error', PORT: '0', ...options.env });
  let builder = Test.createTestingModule({ imports: [AppModule.forRoot(config, options.modules), ...(options.extraImports ?? [])] });
  if (options.customize) builder = options.customize(builder);
  const moduleRef = await builder.compile();
  const logger: LoggerService = new JsonLogger(config.logLevel, (line) => process.stderr.write(line));
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(fastifyOptions(config)), { logger, bodyParser: false });
  configureApp(app, logger);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return {
    app,
    config,
    baseUrl: `http://127.0.0.1:${address.port}`,
    close: async () => {
      await closeListener(app, 1_000);
      await app.close();
    },
  };
}

export function adminHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${ADMIN_TOKEN}`, ...extra };
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/**
 * Every stored event of a project, newest first, following cursors to the end; without the
 * events that record reads of the log (each listing adds one), unless `withReads`.
 */
export async function readAllEvents(baseUrl: string, project = 'default', withReads = false): Promise<any[]> {
  const events: any[] = [];
  let cursor: string | null = null;
  do {
    const query: string = `project=${project}&limit=1000${withReads ? '&reads=include' : ''}${cursor ? `&cursor=${cursor}` : ''}`;
    const response = await fetch(`${baseUrl}/audit/v1/events?${query}`, { headers: adminHeaders() });
    if (response.status !== 200) throw new Error(`reading events failed: ${response.status} ${await response.text()}`);
    const page = (await response.json()) as { events: any[]; next_cursor: string | null };
    events.push(...page.events);
    cursor = page.next_cursor;
  } while (cursor);
  return events;
}
