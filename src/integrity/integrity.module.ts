import { Module } from '@nestjs/common';
import { AuditTrailModule } from '../audit-trail/audit-trail.module';
import { IntegrityController } from './integrity.controller';
import { SealService } from './seal.service';

/** Tamper evidence: chained seals over each project's events, and their verification. */
@Module({
  imports: [AuditTrailModule],
  controllers: [IntegrityController],
  providers: [SealService],
  exports: [SealService],
})
export class IntegrityModule {}
