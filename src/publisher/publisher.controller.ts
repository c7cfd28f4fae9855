import { Body, Controller, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CLOCK, Clock } from '../infrastructure/clock/clock';
import { FieldError, InvalidInputException } from '../infrastructure/http/api-error';
import { validateBody } from '../infrastructure/http/validate-body';
import type { CommittedEvent } from '../event-store/audit-event';
import { newEventId } from '../ingestion/event-id';
import { IngestionService } from '../ingestion/ingestion.service';
import { AuthenticatedRequest } from '../tenancy/authorization/auth.guard';
import { Authorize, projectParam } from '../tenancy/authorization/authorize.decorator';
import { PublisherEventDto } from './dto/publisher-event.dto';
import { publisherDraft } from './publisher-event.mapper';

/** Retraced stops at 50 events per bulk request; this service takes up to 1,000. */
export const MAX_BULK_EVENTS = 1000;

/** The Retraced publisher API, at the root and under /auditlog (the official client's default path). */
@ApiTags('retraced publisher')
@ApiBearerAuth()
@Controller(['publisher/v1/project/:projectId', 'auditlog/publisher/v1/project/:projectId'])
@Authorize('events.publish', projectParam())
export class PublisherController {
  constructor(
    private readonly ingestion: IngestionService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post('event')
  @HttpCode(201)
  @ApiOperation({ summary: 'Report one event; answers its id and Retraced hash once committed' })
  @ApiBody({ type: PublisherEventDto })
  @ApiCreatedResponse({ description: '{"id","hash"}' })
  async report(@Param('projectId') projectId: string, @Body() body: unknown, @Req() request: AuthenticatedRequest & FastifyRequest): Promise<CommittedEvent> {
    const dto = validateBody(PublisherEventDto, body);
    const receivedAt = this.clock.now();
    const [committed] = await this.ingestion.ingest([publisherDraft(dto, projectId, newEventId(receivedAt))], this.context(request, receivedAt));
    return committed;
  }

  @Post('event/bulk')
  @HttpCode(201)
  @ApiOperation({ summary: `Report up to ${MAX_BULK_EVENTS} events atomically; answers [{id, hash}] in input order` })
  @ApiCreatedResponse({ description: '[{"id","hash"}, ...]' })
  async reportMany(
    @Param('projectId') projectId: string,
    @Body() body: unknown,
    @Req() request: AuthenticatedRequest & FastifyRequest,
  ): Promise<CommittedEvent[]> {
    const events = bulkEvents(body);
    const errors: FieldError[] = [];
    const dtos = events.map((event, index) => {
      try {
        return validateBody(PublisherEventDto, event, `events[${index}].`);
      } catch (error) {
        if (!(error instanceof InvalidInputException)) throw error;
        errors.push(...error.fieldErrors);
        return undefined;
      }
    });
    if (errors.length > 0) throw new InvalidInputException(errors);
    const receivedAt = this.clock.now();
    const drafts = dtos.map((dto) => publisherDraft(dto!, projectId, newEventId(receivedAt)));
    return this.ingestion.ingest(drafts, this.context(request, receivedAt));
  }

  private context(request: FastifyRequest, receivedAt: number) {
    return { requestId: String(request.id), clientIp: request.ip, receivedAt };
  }
}

/** The `events` array of a bulk body, or a 400 that says what is wrong with it. */
function bulkEvents(body: unknown): unknown[] {
  const refuse = (field: string, rule: string, message: string) => new InvalidInputException([{ field, rule, message }]);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw refuse('body', 'isObject', 'body must be a JSON object {"events":[...]}');
  const unknown = Object.keys(body).filter((key) => key !== 'events');
  if (unknown.length > 0)
    throw new InvalidInputException(unknown.map((field) => ({ field, rule: 'unknownField', message: `property ${field} should not exist` })));
  const events = (body as { events?: unknown }).events;
  if (!Array.isArray(events)) throw refuse('events', 'isArray', 'events must be an array of events');
  if (events.length === 0) throw refuse('events', 'arrayNotEmpty', 'events must contain at least one event');
  if (events.length > MAX_BULK_EVENTS) throw refuse('events', 'arrayMaxSize', `events must contain at most ${MAX_BULK_EVENTS} events, got ${events.length}`);
  return events;
}
