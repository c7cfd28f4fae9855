import { Controller, Get, Query, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { validateBody } from '../infrastructure/http/validate-body';
import { AuthenticatedRequest, RequireScope, TokenGuard } from '../tenancy/token.guard';
import { ListEventsQueryDto } from './dto/list-events.query';
import { EventPage, QueryService } from './query.service';

@ApiTags('query')
@ApiBearerAuth()
@Controller('audit/v1')
@UseGuards(TokenGuard)
export class EventsController {
  constructor(private readonly queries: QueryService) {}

  @Get('events')
  @RequireScope('read')
  @ApiOperation({ summary: 'List stored events, newest first, with keyset paging' })
  @ApiOkResponse({ description: '{"events":[...],"next_cursor":"..."|null}' })
  list(@Query() raw: Record<string, unknown>, @Req() request: AuthenticatedRequest): Promise<EventPage> {
    const dto = validateBody(ListEventsQueryDto, { ...raw });
    return this.queries.page(this.queries.toQuery(dto, request.principal!));
  }
}
