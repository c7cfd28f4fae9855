import { Controller, Get, HttpStatus, OnModuleInit, Res } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../http/public-route';
import { ReadinessCheck, ReadinessIndicator } from './readiness-check';

const CHECK_TIMEOUT_MS = 2_000;

@ApiTags('operations')
@Controller('health')
@Public()
export class HealthController implements OnModuleInit {
  private checks: ReadinessCheck[] = [];

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    this.checks = this.discovery.getProviders({ metadataKey: ReadinessIndicator.KEY }).map((w) => w.instance as ReadinessCheck);
  }

  @Get()
  @ApiOperation({ summary: 'Liveness: the process is serving' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: the database (and the directory, when configured) answer' })
  async ready(@Res() reply: FastifyReply): Promise<void> {
    const results = await Promise.all(
      this.checks.map(async (c) => {
        const timeout = new Promise<{ ok: false; detail: string }>((resolve) =>
          setTimeout(() => resolve({ ok: false, detail: 'timed out' }), CHECK_TIMEOUT_MS).unref(),
        );
        const result = await Promise.race([c.check(), timeout]);
        return [c.name, c.critical === false ? { ...result, critical: false } : result] as const;
      }),
    );
    const ok = results.every(([, r]) => r.ok || (r as { critical?: boolean }).critical === false);
    reply.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).send({ status: ok ? 'ok' : 'unavailable', checks: Object.fromEntries(results) });
  }
}
