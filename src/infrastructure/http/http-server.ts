import type { LoggerService } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyServerOptions } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { ServerOptions } from 'node:http';
import type { AppConfig } from '../../config/app-config';
import { HttpStatus } from '@nestjs/common';
import { FieldError, InvalidInputException } from './api-error';
import { inspectRequestValue } from './json-inspection';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

function trustHops(hops: number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < hops;
}

/** Fastify settings that follow from the configuration. */
export function fastifyOptions(config: AppConfig): FastifyServerOptions & { http: ServerOptions } {
  return {
    bodyLimit: config.bodyLimitBytes,
    // A request (headers and body) that has not arrived in time is answered 408 and its connection
    // closed. Node checks this every connectionsCheckingInterval; its headersTimeout must not be
    // larger or it silently takes the place of requestTimeout. Responses (exports) are not limited.
    requestTimeout: config.requestTimeoutMs,
    http: { headersTimeout: config.requestTimeoutMs, connectionsCheckingInterval: Math.min(1_000, config.requestTimeoutMs) },
    // A hop count trusts that many proxies nearest the server, as Express's `trust proxy` does.
    trustProxy: typeof config.trustProxy === 'number' ? trustHops(config.trustProxy) : config.trustProxy,
    // A caller's X-Request-Id is kept when it is sane, so its logs and ours line up.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    // Stop accepting on close, finish in-flight requests, drop idle keep-alive connections.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    logger: false,
  };
}

const draining = new WeakSet<object>();

/**
 * Stops accepting connections, lets in-flight requests finish (their events are committed by the
 * still-running writer), and closes keep-alive connections as they fall idle.
 */
export async function closeListener(app: NestFastifyApplication, graceMs = 10_000): Promise<void> {
  draining.add(app);
  const server = app.getHttpServer();
  const sweep = setInterval(() => server.closeIdleConnections(), 25);
  // Ingestion requests finish in milliseconds; what is still open after the grace period (a long
  // export, a connection a vanished client left half-open) is cut so shutdown cannot hang.
  const force = setTimeout(() => server.closeAllConnections(), graceMs);
  try {
    await app.getHttpAdapter().getInstance().close();
  } finally {
    clearInterval(sweep);
    clearTimeout(force);
  }
}

/** Hooks, OpenAPI and shutdown behaviour shared by the service and the tests that boot it. */
export function configureApp(app: NestFastifyApplication, logger: LoggerService & { isEnabled?(level: string): boolean }): void {
  const fastify = app.getHttpAdapter().getInstance();
  // Fastify's JSON parser (with prototype-poisoning protection), but its errors name the field.
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  // JSON only: a text/plain (or any other) body gets 415 naming content-type.
  fastify.removeContentTypeParser('text/plain');
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, raw, done) => {
    const charset = charsetOf(request.headers['content-type']);
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      return done(
        new InvalidInputException(
          [{ field: 'content-type', rule: 'isUtf8', message: `content-type charset must be utf-8, got ${charset}` }],
          HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        ),
        undefined,
      );
    }
    // Bytes that are not UTF-8 are refused, not replaced by U+FFFD and stored.
    let body: string;
    try {
      body = utf8.decode(raw as Buffer);
    } catch {
      return done(new InvalidInputException([{ field: 'body', rule: 'isUtf8', message: 'body is not valid UTF-8' }]), undefined);
    }
    // With a callback the parser answers through it; it returns nothing to wait for.
    void parseJson(request, body, (error: Error | null, value?: unknown) => {
      if (!error) {
        const problem = inspectRequestValue(value);
        return problem ? done(new InvalidInputException([problem]), undefined) : done(null, value);
      }
      const empty = (error as { code?: string }).code === 'FST_ERR_CTP_EMPTY_JSON_BODY';
      const message = empty ? 'body must not be empty' : `body is not valid JSON (${error.message})`;
      done(new InvalidInputException([{ field: 'body', rule: empty ? 'isNotEmpty' : 'isJson', message }]), undefined);
    });
  });
  // Query strings and path parameters obey the same rules as bodies (no NUL, no lone surrogate).
  fastify.addHook('preValidation', (request, _reply, done) => {
    // Most writes (the Audit API) have neither: nothing to walk.
    const hasQuery = request.url.includes('?');
    const hasParams = request.params !== null && typeof request.params === 'object' && Object.keys(request.params).length > 0;
    if (!hasQuery && !hasParams) return done();
    const problem =
      (hasQuery ? (badQueryEncoding(request.url) ?? inspectRequestValue(request.query, 'query', 4)) : undefined) ??
      (hasParams ? inspectRequestValue(request.params, 'path', 2) : undefined);
    done(problem ? new InvalidInputException([problem]) : undefined);
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    // While draining, every answer ends its keep-alive connection so the listener can close.
    if (draining.has(app)) reply.header('connection', 'close');
    done();
  });
  if (logger.isEnabled?.('debug')) {
    fastify.addHook('onResponse', (request, reply, done) => {
      logger.debug?.(
        {
          msg: 'request',
          request_id: request.id,
          method: request.method,
          url: request.url,
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime * 100) / 100,
        },
        'Http',
      );
      done();
    });
  }
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Audit log service')
      .setDescription('Replicated Audit API and Retraced-compatible ingestion; every actor resolved to the directory GUID.')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}

/** The charset parameter of a Content-Type header, lower-cased and unquoted; undefined when absent. */
function charsetOf(contentType: string | undefined): string | undefined {
  const match = contentType ? /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(contentType) : null;
  return match ? match[1].toLowerCase() : undefined;
}

/**
 * A query parameter whose percent-encoding is not UTF-8 (`%ED%A0%80`, `%C0%80`, `%FF`): the query
 * parser would keep it as literal text and search for that, so it is refused, naming the parameter.
 */
function badQueryEncoding(url: string): FieldError | undefined {
  const start = url.indexOf('?');
  if (start < 0 || !url.includes('%', start)) return undefined;
  for (const pair of url.slice(start + 1).split('&')) {
    const [name, value = ''] = pair.split('=', 2);
    for (const part of [name, value]) {
      try {
        decodeURIComponent(part.replace(/\+/g, ' '));
      } catch {
        const field = safeName(name);
        return { field, rule: 'isUtf8', message: `${field} is not valid percent-encoded UTF-8` };
      }
    }
  }
  return undefined;
}

function safeName(name: string): string {
  try {
    return decodeURIComponent(name) || 'query';
  } catch {
    return 'query';
  }
}
