import type { SealFormat } from './seal-format';

/**
 * What sealing reads of the event log: the committed sequence of each project and the sealed
 * columns of a range of events, digested in a frozen format. One file per database.
 */
export interface SealSource {
  /** Each project's last committed sequence number (one project's with `only`). */
  lastSequences(only?: string): Promise<{ projectId: string; lastSeq: number }[]>;
  /**
   * How many of a project's events `from`..`to` are stored, and their digest in sequence order.
   * Sealing and verifying use the same one, so a chain is checked as it was made.
   */
  rangeDigest(format: SealFormat, projectId: string, from: number, to: number): Promise<{ count: number; digest: string }>;
  /** The sequence numbers stored in `from`..`to`, ascending. */
  sequences(projectId: string, from: number, to: number): Promise<number[]>;
  /** How many of a project's events come after `seq`. */
  countAfter(projectId: string, seq: number): Promise<number>;
}

export const SEAL_SOURCE = Symbol('SEAL_SOURCE');
