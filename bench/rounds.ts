/** Scenarios measured in interleaved rounds: the machine's speed drifts, so each row is its median round. */
export interface Rated {
  events_per_s: number;
  /** events/s of every round, in order. */
  rounds_events_per_s?: number[];
}

/** The median round by events/s, carrying every round's rate. */
export function medianRound<T extends Rated>(runs: T[]): T {
  const sorted = [...runs].sort((a, b) => a.events_per_s - b.events_per_s);
  return { ...sorted[Math.floor((sorted.length - 1) / 2)], rounds_events_per_s: runs.map((r) => r.events_per_s) };
}

/** The table cells "median | every round". */
export function rateCells(r: Rated): string {
  const rounds = (r.rounds_events_per_s ?? [r.events_per_s]).map((n) => n.toLocaleString('en-US')).join(' / ');
  return `${r.events_per_s.toLocaleString('en-US')} | ${rounds}`;
}
