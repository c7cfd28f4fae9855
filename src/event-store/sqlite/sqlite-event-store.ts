import type { EventStoreDialect } from '../event-store-dialect';
import { SqlPendingIdentityWriter } from '../shared/sql-pending-identity-writer';
import { SqliteEventSearch } from './sqlite-event-search';
import { SqliteEventWriter } from './sqlite-event-writer';
import { SqliteSealSource } from './sqlite-seal-source';

/** The event log on SQLite (better-sqlite3, in this process). */
export const SQLITE_EVENT_STORE: EventStoreDialect = {
  name: 'sqlite',
  writer: (dataSource) => new SqliteEventWriter(dataSource),
  search: (dataSource) => new SqliteEventSearch(dataSource),
  sealSource: (dataSource) => new SqliteSealSource(dataSource),
  pendingIdentity: (dataSource) => new SqlPendingIdentityWriter(dataSource),
};
