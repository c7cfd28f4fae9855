import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditTrailModule } from '../audit-trail/audit-trail.module';
import { AuditSealEntity } from './audit-seal.entity';
import { IntegrityController } from './integrity.controller';
import { SealService } from './seal.service';

/** Tamper evidence: chained seals over each project's events, and their verification. */
@Module({
  imports: [TypeOrmModule.forFeature([AuditSealEntity]), AuditTrailModule],
  controllers: [IntegrityController],
  providers: [SealService],
  exports: [SealService],
})
export class IntegrityModule {}
