import type { EventStoreDialect } from '../event-store-dialect';
import { SqlPendingIdentityWriter } from '../shared/sql-pending-identity-writer';
import { PostgresEventSearch } from './postgres-event-search';
import { PostgresEventWriter } from './postgres-event-writer';
import { PostgresSealSource } from './postgres-seal-source';

/** The event log on PostgreSQL. */
export const POSTGRES_EVENT_STORE: EventStoreDialect = {
  name: 'postgres',
  writer: (dataSource) => new PostgresEventWriter(dataSource),
  search: (dataSource) => new PostgresEventSearch(dataSource),
  sealSource: (dataSource) => new PostgresSealSource(dataSource),
  pendingIdentity: (dataSource) => new SqlPendingIdentityWriter(dataSource),
};
