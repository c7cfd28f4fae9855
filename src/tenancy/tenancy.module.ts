import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiTokenEntity } from './api-token.entity';
import { AuthGuard } from './authorization/auth.guard';
import { ProjectService } from './project.service';
import { ProjectEntity } from './project.entity';
import { TokenService } from './token.service';

/** Projects, the API tokens that grant access to them, and the one authorization gate (AuthGuard). */
@Module({
  imports: [DiscoveryModule, TypeOrmModule.forFeature([ProjectEntity, ApiTokenEntity])],
  providers: [TokenService, ProjectService, AuthGuard],
  exports: [TokenService, ProjectService, AuthGuard],
})
export class TenancyModule {}
