import { Module } from '@nestjs/common';
import { TenancyModule } from '../tenancy/tenancy.module';
import { IntegrityController } from './integrity.controller';
import { SealService } from './seal.service';

/** Tamper evidence: chained seals over each project's events, and their verification. */
@Module({
  imports: [TenancyModule],
  controllers: [IntegrityController],
  providers: [SealService],
  exports: [SealService],
})
export class IntegrityModule {}
