import type { DataSource } from 'typeorm';
import type { EventSearchDialect } from './event-search-dialect';
import type { AuditEventStore } from './event-writer';
import type { PendingIdentityWriter } from './pending-identity-writer';
import type { SealSource } from './seal-source';

/**
 * Everything about the event log that differs per database: one implementation of each port.
 * The service picks the one of the configured database; a team storing events elsewhere passes
 * its own to EventStoreModule.forRoot (or AppModule.forRoot's `eventStore`), whole or as a
 * built-in one with some ports replaced (`{ ...SQLITE_EVENT_STORE, writer: … }`).
 */
export interface EventStoreDialect {
  /** For messages: which implementation this is. */
  readonly name: string;
  writer(dataSource: DataSource): AuditEventStore;
  search(dataSource: DataSource): EventSearchDialect;
  sealSource(dataSource: DataSource): SealSource;
  pendingIdentity(dataSource: DataSource): PendingIdentityWriter;
}

/** Injection token of the dialect in use (chosen once, at start-up). */
export const EVENT_STORE_DIALECT = Symbol('EVENT_STORE_DIALECT');
