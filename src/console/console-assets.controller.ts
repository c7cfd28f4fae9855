import { Controller, Get, NotFoundException, Param, Req, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { Public } from '../infrastructure/http/public-route';

/** `npm run build` writes the console here: dist/console, beside the compiled service. */
function assetsDir(): string {
  const root = resolve(__dirname, '..', '..');
  return join(basename(root) === 'dist' ? root : join(root, 'dist'), 'console');
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json; charset=utf-8',
};

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

/** The console's page: only its own scripts and styles, talking only to this service, never framed. */
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/**
 * Serves the built console at /console: index.html for every console path (the console routes in
 * the browser; a deep link reloads the same view), and its content-hashed assets, cached for a year.
 * Files are read once, at the first request.
 */
@ApiExcludeController()
@Controller('console')
export class ConsoleAssetsController {
  private assets?: Map<string, Asset>;

  @Get('assets/:file')
  @Public()
  asset(@Param('file') file: string, @Res() reply: FastifyReply): void {
    const asset = this.load().get(file);
    if (!asset || file === 'index.html') throw new NotFoundException(`no console asset ${file}`);
    void reply
      .header('content-type', asset.type)
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('x-content-type-options', 'nosniff')
      .header('etag', asset.etag)
      .send(asset.body);
  }

  @Get()
  @Public()
  root(@Res() reply: FastifyReply): void {
    this.page(reply);
  }

  @Get('*')
  @Public()
  anyPage(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    // A mistyped API path is an API answer (404), not the console's page.
    if (request.url.startsWith('/console/api/')) throw new NotFoundException(`no console API ${request.url.split('?')[0]}`);
    this.page(reply);
  }

  private page(reply: FastifyReply): void {
    const index = this.load().get('index.html');
    if (!index) throw new ServiceUnavailableException('the console is not built: run npm run build');
    void reply
      .header('content-type', index.type)
      .header('cache-control', 'no-cache')
      .header('etag', index.etag)
      .header('content-security-policy', CONTENT_SECURITY_POLICY)
      .header('x-content-type-options', 'nosniff')
      .header('x-frame-options', 'DENY')
      .header('referrer-policy', 'no-referrer')
      .send(index.body);
  }

  private load(): Map<string, Asset> {
    if (this.assets) return this.assets;
    const dir = assetsDir();
    const assets = new Map<string, Asset>();
    if (existsSync(dir)) {
      for (const name of readdirSync(dir)) {
        const body = readFileSync(join(dir, name));
        assets.set(name, {
          body,
          type: TYPES[extname(name)] ?? 'application/octet-stream',
          etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
        });
      }
    }
    // Not cached while missing, so a build after start-up is picked up.
    if (assets.size > 0) this.assets = assets;
    return assets;
  }
}
