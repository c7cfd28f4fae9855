import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { validateBody } from '../../infrastructure/http/validate-body';
import { IntegrationApiGuard } from '../../ingestion/integration-api.guard';
import { ProvisioningService } from '../provisioning/provisioning.service';
import { ProvisioningUserDto } from './provisioning-user.dto';

/**
 * The Replicated Provisioning API, served so a provisioner can push directory users into the
 * mirror without LDAP access from this service. Guarded like the Audit API (INTEGRATION_API_TOKEN).
 */
@ApiTags('provisioning')
@Controller('provisioning/v1')
@UseGuards(IntegrationApiGuard)
export class ProvisioningController {
  constructor(private readonly provisioning: ProvisioningService) {}

  @Get('ping')
  @HttpCode(204)
  @ApiOperation({ summary: 'Readiness for a provisioning sync' })
  ping(): void {}

  @Post('user/create')
  @HttpCode(201)
  @ApiBody({ type: ProvisioningUserDto })
  @ApiOperation({ summary: 'Add a user (an existing uuid is updated)' })
  async create(@Body() body: unknown): Promise<void> {
    await this.provisioning.upsert(validateBody(ProvisioningUserDto, body));
  }

  @Post('user/modify')
  @HttpCode(204)
  @ApiBody({ type: ProvisioningUserDto })
  @ApiOperation({ summary: 'Update a user (an unknown uuid is created; absent fields are kept)' })
  async modify(@Body() body: unknown): Promise<void> {
    await this.provisioning.upsert(validateBody(ProvisioningUserDto, body));
  }

  @Delete('user/:uuid')
  @HttpCode(204)
  @ApiOperation({ summary: 'Mark a user deleted (204 also when unknown); their events stay attributed' })
  async remove(@Param('uuid') uuid: string): Promise<void> {
    await this.provisioning.delete(uuid);
  }

  @Post('reset')
  @HttpCode(204)
  @ApiOperation({ summary: 'Start over: every provisioned user is marked deleted until sent again' })
  async reset(): Promise<void> {
    await this.provisioning.reset();
  }
}
