import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AuditTrailService } from '../../audit-trail/audit-trail.service';
import { validateBody } from '../../infrastructure/http/validate-body';
import { AuthenticatedRequest } from '../../tenancy/authorization/auth.guard';
import { Authorize } from '../../tenancy/authorization/authorize.decorator';
import { ANONYMOUS } from '../../tenancy/principal';
import { DEFAULT_PROJECT_ID } from '../../tenancy/default-project';
import { ProvisioningService } from '../provisioning/provisioning.service';
import { ProvisioningUserDto } from './provisioning-user.dto';

type Request = AuthenticatedRequest & FastifyRequest;

/**
 * The Replicated Provisioning API, served so a provisioner can push directory users into the
 * mirror without LDAP access from this service. Identity belongs to the instance: it needs a
 * `provision` instance token or the instance admin (PROVISIONING_OPEN=true opens it), and every
 * change is an audit event in `default`.
 */
@ApiTags('provisioning')
@ApiBearerAuth()
@Controller('provisioning/v1')
@Authorize('directory.provision')
export class ProvisioningController {
  constructor(
    private readonly provisioning: ProvisioningService,
    private readonly trail: AuditTrailService,
  ) {}

  @Get('ping')
  @HttpCode(204)
  @ApiOperation({ summary: 'Readiness for a provisioning sync' })
  ping(): void {}

  @Post('user/create')
  @HttpCode(201)
  @ApiBody({ type: ProvisioningUserDto })
  @ApiOperation({ summary: 'Add a user (an existing uuid is updated)' })
  async create(@Body() body: unknown, @Req() request: Request): Promise<void> {
    const user = validateBody(ProvisioningUserDto, body);
    const person = await this.provisioning.upsert(user);
    await this.record(request, 'user.create', 'c', person.guid, person.username);
  }

  @Post('user/modify')
  @HttpCode(204)
  @ApiBody({ type: ProvisioningUserDto })
  @ApiOperation({ summary: 'Update a user (an unknown uuid is created; absent fields are kept)' })
  async modify(@Body() body: unknown, @Req() request: Request): Promise<void> {
    const person = await this.provisioning.upsert(validateBody(ProvisioningUserDto, body));
    await this.record(request, 'user.modify', 'u', person.guid, person.username);
  }

  @Delete('user/:uuid')
  @HttpCode(204)
  @ApiOperation({ summary: 'Mark a user deleted (204 also when unknown); their events stay attributed' })
  async remove(@Param('uuid') uuid: string, @Req() request: Request): Promise<void> {
    const found = await this.provisioning.delete(uuid);
    await this.record(request, 'user.delete', 'd', uuid, undefined, { found: String(found) });
  }

  @Post('reset')
  @HttpCode(204)
  @ApiOperation({ summary: 'Start over: every provisioned user is marked deleted until sent again' })
  async reset(@Req() request: Request): Promise<void> {
    const deleted = await this.provisioning.reset();
    await this.record(request, 'reset', 'd', undefined, undefined, { deleted: String(deleted) });
  }

  private record(request: Request, what: string, crud: 'c' | 'u' | 'd', guid?: string, username?: string, fields?: Record<string, string>) {
    return this.trail.record({
      caller: request.caller ?? ANONYMOUS,
      projectId: DEFAULT_PROJECT_ID,
      action: `audit.provisioning.${what}`,
      crud,
      description: guid ? `provisioning ${what} of ${username ?? guid}` : `provisioning ${what}`,
      target: guid ? { id: guid, name: username, type: 'directory.person' } : undefined,
      fields,
      requestId: String(request.id),
      clientIp: request.ip,
    });
  }
}
