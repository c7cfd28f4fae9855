import { Controller, Get, HttpCode, Post, Query, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { InvalidInputException } from '../infrastructure/http/api-error';
import { readableProject } from '../tenancy/project-access';
import { AuthenticatedRequest, RequireScope, TokenGuard } from '../tenancy/token.guard';
import { IntegrityReport, SealService } from './seal.service';

@ApiTags('integrity')
@ApiBearerAuth()
@Controller('audit/v1/integrity')
@UseGuards(TokenGuard)
export class IntegrityController {
  constructor(private readonly seals: SealService) {}

  @Get()
  @RequireScope('read')
  @ApiQuery({ name: 'project', required: false, description: "default: the token's own project, or `default` for an admin token" })
  @ApiOperation({ summary: "Recomputes a project's chain of seals from the stored events: whether any sealed event or seal was changed, removed or inserted" })
  @ApiOkResponse({ description: '{"project_id","ok","sealed_events","seals","sealed_through_seq","unsealed_events","head","problems":[{"seq_from","seq_to","problem"}],"problem_count"}' })
  verify(@Query('project') project: unknown, @Req() request: AuthenticatedRequest): Promise<IntegrityReport> {
    if (project !== undefined && (typeof project !== 'string' || project === '')) {
      throw new InvalidInputException([{ field: 'project', rule: 'isString', message: 'project must be one project id' }]);
    }
    return this.seals.verify(readableProject(request.principal!, project));
  }

  @Post('seal')
  @HttpCode(200)
  @RequireScope('admin')
  @ApiOperation({ summary: 'Seals now what every project committed since its last seal (otherwise every INTEGRITY_SEAL_INTERVAL_S)' })
  @ApiOkResponse({ description: '{"sealed_events": n}' })
  async seal(): Promise<{ sealed_events: number }> {
    return { sealed_events: await this.seals.sealAll() };
  }
}
