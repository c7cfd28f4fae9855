import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiTokenEntity } from './api-token.entity';
import { ProjectEntity } from './project.entity';
import { TokenGuard } from './token.guard';
import { TokenService } from './token.service';

/** Projects and the API tokens that grant access to them. */
@Module({
  imports: [TypeOrmModule.forFeature([ProjectEntity, ApiTokenEntity])],
  providers: [TokenService, TokenGuard],
  exports: [TokenService, TokenGuard],
})
export class TenancyModule {}
