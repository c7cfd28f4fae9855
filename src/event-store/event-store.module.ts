import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditEventEntity } from './audit-event.entity';
import { EVENT_SEARCH_DIALECT } from './event-search-dialect';
import { EVENT_STORE_DIALECT, EventStoreDialect } from './event-store-dialect';
import { AuditEventReader } from './event-reader';
import { AUDIT_EVENT_STORE } from './event-writer';
import { PENDING_IDENTITY_WRITER } from './pending-identity-writer';
import { POSTGRES_EVENT_STORE } from './postgres/postgres-event-store';
import { SEAL_SOURCE } from './seal-source';
import { SQLITE_EVENT_STORE } from './sqlite/sqlite-event-store';

/** The built-in dialects by TypeORM driver type. */
const BUILT_IN: Record<string, EventStoreDialect> = { 'better-sqlite3': SQLITE_EVENT_STORE, postgres: POSTGRES_EVENT_STORE };

export interface EventStoreOptions {
  /** How the event log is stored; the configured database's built-in dialect when absent. */
  dialect?: EventStoreDialect;
}

/**
 * The owner of the event log: the events table, each project's sequence, the group counts and the
 * rows seals are made of. Other modules use its ports only — the writer (AUDIT_EVENT_STORE), the
 * reader (AuditEventReader over EVENT_SEARCH_DIALECT), the pending-identity writer and the seal
 * source — and the dialect behind all of them is chosen here, once.
 */
@Module({})
export class EventStoreModule {
  static forRoot(options: EventStoreOptions = {}): DynamicModule {
    const port = <T>(provide: symbol, make: (dialect: EventStoreDialect, dataSource: DataSource) => T) => ({
      provide,
      inject: [EVENT_STORE_DIALECT, getDataSourceToken()],
      useFactory: make,
    });
    return {
      global: true,
      module: EventStoreModule,
      imports: [TypeOrmModule.forFeature([AuditEventEntity])],
      providers: [
        {
          provide: EVENT_STORE_DIALECT,
          inject: [getDataSourceToken()],
          useFactory: (dataSource: DataSource): EventStoreDialect => {
            const dialect = options.dialect ?? BUILT_IN[dataSource.options.type];
            if (!dialect) throw new Error(`no event store for database type ${dataSource.options.type}: pass one to EventStoreModule.forRoot({ dialect })`);
            return dialect;
          },
        },
        port(AUDIT_EVENT_STORE, (dialect, dataSource) => dialect.writer(dataSource)),
        port(EVENT_SEARCH_DIALECT, (dialect, dataSource) => dialect.search(dataSource)),
        port(SEAL_SOURCE, (dialect, dataSource) => dialect.sealSource(dataSource)),
        port(PENDING_IDENTITY_WRITER, (dialect, dataSource) => dialect.pendingIdentity(dataSource)),
        AuditEventReader,
      ],
      exports: [EVENT_STORE_DIALECT, AUDIT_EVENT_STORE, EVENT_SEARCH_DIALECT, SEAL_SOURCE, PENDING_IDENTITY_WRITER, AuditEventReader],
    };
  }
}
