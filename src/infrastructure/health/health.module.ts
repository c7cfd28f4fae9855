import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { DatabaseReadiness } from './database.readiness';
import { HealthController } from './health.controller';

@Module({ imports: [DiscoveryModule], controllers: [HealthController], providers: [DatabaseReadiness] })
export class HealthModule {}
