import type { INestApplication, LoggerService } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyServerOptions } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AppConfig } from '../../config/app-config';
import { InvalidInputException } from './api-error';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function trustHops(hops: number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < hops;
}

/** Fastify settings that follow from the configuration. */
export function fastifyOptions(config: AppConfig): FastifyServerOptions {
  return {
    bodyLimit: config.bodyLimitBytes,
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
  const server = app.getHttpServer() as Server;
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
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    parseJson(request, body as string, (error: Error | null, value?: unknown) => {
      if (!error) return done(null, value);
      const empty = (error as { code?: string }).code === 'FST_ERR_CTP_EMPTY_JSON_BODY';
      const message = empty ? 'body must not be empty' : `body is not valid JSON (${error.message})`;
      done(new InvalidInputException([{ field: 'body', rule: empty ? 'isNotEmpty' : 'isJson', message }]), undefined);
    });
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    // While draining, every answer ends its keep-alive connection so the listener can close.
    if (draining.has(app)) reply.header('connection', 'close');
    done();
  });
  if (logger.isEnabled?.('debug')) {
    fastify.addHook('onResponse', (request, reply, done) => {
      logger.debug?.({ msg: 'request', request_id: request.id, method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 100) / 100 }, 'Http');
      done();
    });
  }
  const document = SwaggerModule.createDocument(
    app as unknown as INestApplication,
    new DocumentBuilder()
      .setTitle('Audit log service')
      .setDescription('Replicated Audit API and Retraced-compatible ingestion; every actor resolved to the directory GUID.')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app as unknown as INestApplication, document, { jsonDocumentUrl: 'docs-json' });
}
