import { Body, Controller, Delete, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { validateBody } from '../infrastructure/http/validate-body';
import { CreateProjectDto, CreateTokenDto } from './dto/admin.dto';
import { ProjectService } from './project.service';
import { RequireScope, TokenGuard } from './token.guard';
import { TokenService } from './token.service';

/** Projects and their API tokens; instance admin only. */
@ApiTags('administration')
@ApiBearerAuth()
@Controller('admin/v1/project')
@UseGuards(TokenGuard)
@RequireScope('admin')
export class AdminController {
  constructor(
    private readonly projects: ProjectService,
    private readonly tokens: TokenService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create a project' })
  @ApiBody({ type: CreateProjectDto })
  @ApiCreatedResponse({ description: '{"id","name"}' })
  async createProject(@Body() body: unknown): Promise<{ id: string; name: string }> {
    const dto = validateBody(CreateProjectDto, body);
    const project = await this.projects.create(dto.name);
    return { id: project.id, name: project.name };
  }

  @Post(':projectId/token')
  @ApiOperation({ summary: 'Create an API token for a project; the token is shown only in this answer' })
  @ApiBody({ type: CreateTokenDto })
  @ApiCreatedResponse({ description: '{"token","id","name","scope","project_id"}' })
  async createToken(@Param('projectId') projectId: string, @Body() body: unknown) {
    const dto = validateBody(CreateTokenDto, body);
    await this.projects.get(projectId);
    const { token, entity } = await this.tokens.create({ projectId, name: dto.name, scope: dto.scope });
    return { token, id: entity.id, name: entity.name, scope: entity.scope, project_id: projectId };
  }

  @Delete(':projectId/token/:tokenId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a token; it is refused from then on' })
  async revokeToken(@Param('projectId') projectId: string, @Param('tokenId') tokenId: string): Promise<void> {
    await this.tokens.revoke(projectId, tokenId);
  }
}
