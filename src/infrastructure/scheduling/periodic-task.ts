/**
 * One piece of background work that runs on a timer and on demand: one run at a time (callers
 * asking during a run share it), a kick during a run schedules exactly one more after it, and
 * stopping clears the timer and waits for the run in progress, so shutdown drains instead of cutting.
 */
export class PeriodicTask<T> {
  private timer?: NodeJS.Timeout;
  private running?: Promise<T>;
  private again = false;
  private stopped = false;

  constructor(
    private readonly work: () => Promise<T>,
    /** A run started by the timer or a kick has no caller to tell: its failure is told here. */
    private readonly onError: (error: Error) => void,
  ) {}

  /** Runs every `intervalMs` (0: only on demand); the timer never keeps the process alive. */
  start(intervalMs: number): void {
    if (intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => this.kick(), intervalMs);
    this.timer.unref();
  }

  /** The run in progress, or a new one. */
  run(): Promise<T> {
    this.running ??= this.work().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
    return this.running;
  }

  /** Starts a run unless one is going; during a run, one more follows it. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.run().catch((error: unknown) => this.onError(error instanceof Error ? error : new Error(String(error))));
  }

  /** Waits for the run in progress, if any (its outcome is the caller's own business). */
  async settled(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.settled();
  }
}
