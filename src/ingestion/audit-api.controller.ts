import { Body, Controller, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CLOCK, Clock } from '../infrastructure/clock/clock';
import { validateBody } from '../infrastructure/http/validate-body';
import { Authorize } from '../tenancy/authorization/authorize.decorator';
import { DEFAULT_PROJECT_ID } from '../tenancy/default-project';
import type { AuditEventDraft } from '../event-store/audit-event';
import { AuditApiEventDto } from './dto/audit-api-event.dto';
import { newEventId } from './event-id';
import { IngestionService } from './ingestion.service';

/** The Replicated Audit API: `POST /audit/v1/event`, byte-compatible with its documentation. */
@ApiTags('ingestion')
@Controller('audit/v1')
export class AuditApiController {
  constructor(
    private readonly ingestion: IngestionService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post('event')
  @Authorize('audit-api.publish')
  @ApiOperation({ summary: 'Record an audit event', description: 'Answers 201 with an empty text/plain body once the event is durably committed.' })
  @ApiBody({ type: AuditApiEventDto })
  @ApiCreatedResponse({
    description: 'Committed; the X-Event-Id header carries the event id (for a retry with the same external_id and content, the original event)',
  })
  async record(@Body() body: unknown, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const dto = validateBody(AuditApiEventDto, body);
    const receivedAt = this.clock.now();
    const draft = toDraft(dto, newEventId(receivedAt));
    const [committed] = await this.ingestion.ingest([draft], { requestId: String(request.id), clientIp: request.ip, receivedAt });
    reply.status(201).header('content-type', 'text/plain; charset=utf-8').header('x-event-id', committed.id).send('');
  }
}

function toDraft(dto: AuditApiEventDto, id: string): AuditEventDraft {
  return {
    id,
    projectId: DEFAULT_PROJECT_ID,
    sourceApi: 'audit-api',
    action: dto.action,
    crud: dto.crud,
    name: dto.name,
    title: dto.title,
    description: dto.description,
    actor: dto.actor && { id: dto.actor.id, name: dto.actor.name, href: dto.actor.href, fields: dto.actor.fields },
    target: dto.target && { id: dto.target.id, name: dto.target.name, type: dto.target.type, href: dto.target.href, fields: dto.target.fields },
    group: dto.group && { id: dto.group.id, name: dto.group.name },
    sourceIp: dto.ip_address,
    isFailure: dto.is_failure ?? false,
    isAnonymous: false,
    fields: dto.fields,
    metadata: dto.metadata,
    created: dto.created === undefined ? undefined : Date.parse(dto.created),
    externalId: dto.external_id,
    identity: { status: 'unknown' },
  };
}
