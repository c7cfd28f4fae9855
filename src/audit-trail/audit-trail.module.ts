import { Module } from '@nestjs/common';
import { IngestionModule } from '../ingestion/ingestion.module';
import { AuditTrailService } from './audit-trail.service';

/** The service's own audit trail (reads, administration, directory reads), written through ingestion. */
@Module({
  imports: [IngestionModule],
  providers: [AuditTrailService],
  exports: [AuditTrailService],
})
export class AuditTrailModule {}
