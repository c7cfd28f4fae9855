import { Module } from '@nestjs/common';
import { IngestionModule } from '../ingestion/ingestion.module';
import { PublisherController } from './publisher.controller';

/** The Retraced-compatible publisher API, on top of ingestion. */
@Module({ imports: [IngestionModule], controllers: [PublisherController] })
export class PublisherModule {}
