/** The query object every read path (REST, export, GraphQL) translates into. */
export interface EventQuery {
  projectId: string;
  /** Return events with a sequence number below this (keyset paging, newest first). */
  beforeSeq?: number;
  limit: number;
}

export const MAX_PAGE_SIZE = 1000;
export const DEFAULT_PAGE_SIZE = 50;
