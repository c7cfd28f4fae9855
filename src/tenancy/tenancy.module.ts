import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminController } from './admin.controller';
import { ApiTokenEntity } from './api-token.entity';
import { ProjectService } from './project.service';
import { ProjectEntity } from './project.entity';
import { TokenGuard } from './token.guard';
import { TokenService } from './token.service';

/** Projects and the API tokens that grant access to them. */
@Module({
  imports: [TypeOrmModule.forFeature([ProjectEntity, ApiTokenEntity])],
  controllers: [AdminController],
  providers: [TokenService, TokenGuard, ProjectService],
  exports: [TokenService, TokenGuard, ProjectService],
})
export class TenancyModule {}
