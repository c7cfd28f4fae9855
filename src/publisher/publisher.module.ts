import { Module } from '@nestjs/common';
import { IngestionModule } from '../ingestion/ingestion.module';
import { TenancyModule } from '../tenancy/tenancy.module';
import { PublisherController } from './publisher.controller';

/** The Retraced-compatible publisher API, on top of ingestion and tenancy. */
@Module({ imports: [IngestionModule, TenancyModule], controllers: [PublisherController] })
export class PublisherModule {}
