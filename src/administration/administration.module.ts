import { Module } from '@nestjs/common';
import { AuditTrailModule } from '../audit-trail/audit-trail.module';
import { QueryModule } from '../query/query.module';
import { TenancyModule } from '../tenancy/tenancy.module';
import { AdminController } from './admin.controller';

/** The admin API: projects and their tokens, instance tokens; every change on the audit trail. */
@Module({ imports: [TenancyModule, AuditTrailModule, QueryModule], controllers: [AdminController] })
export class AdministrationModule {}
