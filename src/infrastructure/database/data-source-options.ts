import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import type { DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '../../config/app-config';
import { InitialSchemaPostgres1764000000000 } from './migrations/postgres/1764000000000-initial-schema';
import { InitialSchemaSqlite1764000000000 } from './migrations/sqlite/1764000000000-initial-schema';
import { PublisherColumnsPostgres1764100000000 } from './migrations/postgres/1764100000000-publisher-columns';
import { PublisherColumnsSqlite1764100000000 } from './migrations/sqlite/1764100000000-publisher-columns';
import { DirectoryMirrorPostgres1764200000000 } from './migrations/postgres/1764200000000-directory-mirror';
import { DirectoryMirrorSqlite1764200000000 } from './migrations/sqlite/1764200000000-directory-mirror';
import { EventSearchPostgres1764300000000 } from './migrations/postgres/1764300000000-event-search';
import { EventSearchSqlite1764300000000 } from './migrations/sqlite/1764300000000-event-search';
import { SearchWordsPostgres1764400000000 } from './migrations/postgres/1764400000000-search-words';
import { GroupSidPostgres1764500000000 } from './migrations/postgres/1764500000000-group-sid';
import { GroupSidSqlite1764500000000 } from './migrations/sqlite/1764500000000-group-sid';
import { AuditSealsPostgres1764600000000 } from './migrations/postgres/1764600000000-audit-seals';
import { AuditSealsSqlite1764600000000 } from './migrations/sqlite/1764600000000-audit-seals';
import { TokenScopesPostgres1764700000000 } from './migrations/postgres/1764700000000-token-scopes';
import { TokenScopesSqlite1764700000000 } from './migrations/sqlite/1764700000000-token-scopes';
import { ViewerPostgres1764800000000 } from './migrations/postgres/1764800000000-viewer';
import { ViewerSqlite1764800000000 } from './migrations/sqlite/1764800000000-viewer';
import { ConsoleSessionsPostgres1764900000000 } from './migrations/postgres/1764900000000-console-sessions';
import { ConsoleSessionsSqlite1764900000000 } from './migrations/sqlite/1764900000000-console-sessions';
import { SealFormatPostgres1765000000000 } from './migrations/postgres/1765000000000-seal-format';
import { SealFormatSqlite1765000000000 } from './migrations/sqlite/1765000000000-seal-format';
import { GroupCountsSqlite1765100000000 } from './migrations/sqlite/1765100000000-group-counts';
import { GroupCountsPostgres1765100000000 } from './migrations/postgres/1765100000000-group-counts';

/** Migrations are listed, not globbed, so the same list works from ts-jest and from dist/. */
export const MIGRATIONS = {
  sqlite: [
    InitialSchemaSqlite1764000000000,
    PublisherColumnsSqlite1764100000000,
    DirectoryMirrorSqlite1764200000000,
    EventSearchSqlite1764300000000,
    GroupSidSqlite1764500000000,
    AuditSealsSqlite1764600000000,
    TokenScopesSqlite1764700000000,
    ViewerSqlite1764800000000,
    ConsoleSessionsSqlite1764900000000,
    SealFormatSqlite1765000000000,
    GroupCountsSqlite1765100000000,
  ],
  postgres: [
    InitialSchemaPostgres1764000000000,
    PublisherColumnsPostgres1764100000000,
    DirectoryMirrorPostgres1764200000000,
    EventSearchPostgres1764300000000,
    SearchWordsPostgres1764400000000,
    GroupSidPostgres1764500000000,
    AuditSealsPostgres1764600000000,
    TokenScopesPostgres1764700000000,
    ViewerPostgres1764800000000,
    ConsoleSessionsPostgres1764900000000,
    SealFormatPostgres1765000000000,
    GroupCountsPostgres1765100000000,
  ],
} as const;

/** The TypeORM options for a database URL; shared by the service and by ormconfig.ts. */
export function dataSourceOptions(database: DatabaseConfig): DataSourceOptions {
  const common = {
    // Entities are registered by the modules that own them (TypeOrmModule.forFeature).
    entities: [],
    migrations: [...MIGRATIONS[database.type]],
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each' as const,
    synchronize: false,
    logging: false,
  };
  if (database.type === 'sqlite') {
    mkdirSync(dirname(database.path), { recursive: true });
    return {
      ...common,
      type: 'better-sqlite3',
      database: database.path,
      // A commit is acknowledged only once it is on disk: WAL with synchronous=FULL fsyncs every commit.
      prepareDatabase: (db: Database.Database) => {
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = FULL');
        // better-sqlite3 blocks the event loop while it waits for a lock, so keep the wait short.
        db.pragma('busy_timeout = 2000');
      },
      statementCacheSize: 200,
    };
  }
  return {
    ...common,
    type: 'postgres',
    url: database.url,
    extra: { max: 10, connectionTimeoutMillis: 5000, application_name: 'audit-log-service' },
  };
}
