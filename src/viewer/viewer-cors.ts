import type { FastifyInstance } from 'fastify';
import type { ViewerConfig } from '../config/app-config';

const VIEWER_PREFIXES = ['/viewer/v1/', '/auditlog/viewer/v1/'];
const ALLOWED_HEADERS = 'authorization, content-type, accept';
const ALLOWED_METHODS = 'GET, POST, PUT, DELETE, OPTIONS';

/**
 * CORS for the viewer API, which the widget calls from the application's pages: the allowed
 * origins (`VIEWER_ALLOWED_ORIGINS`, `*` by default: a session is a header, not a cookie, so no
 * credentials are involved), and preflights answered before routing.
 */
export function installViewerCors(fastify: FastifyInstance, config: ViewerConfig): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    if (!VIEWER_PREFIXES.some((prefix) => request.url.startsWith(prefix))) return done();
    const origin = request.headers.origin;
    const allowed = config.allowedOrigins === '*' ? '*' : origin !== undefined && config.allowedOrigins.includes(origin) ? origin : undefined;
    if (allowed !== undefined) {
      reply.header('access-control-allow-origin', allowed);
      reply.header('access-control-expose-headers', 'Content-Disposition, X-Request-Id');
    }
    if (config.allowedOrigins !== '*') reply.header('vary', 'Origin');
    if (request.method === 'OPTIONS') {
      if (allowed !== undefined) {
        reply.header('access-control-allow-methods', ALLOWED_METHODS);
        reply.header('access-control-allow-headers', ALLOWED_HEADERS);
        reply.header('access-control-max-age', '600');
      }
      reply.status(allowed === undefined ? 403 : 204).send();
      return;
    }
    done();
  });
}
