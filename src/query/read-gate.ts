import { TooManyRequestsException } from '../infrastructure/http/api-error';

/**
 * Bounds how many database reads run at once, per project and in all, so one tenant's reads can
 * neither take every pooled connection from ingestion nor queue ahead of every other tenant. A
 * read over its project's share waits its turn (first come, first served); a queue that is already
 * long is answered 429 with Retry-After rather than held.
 */
export class ReadGate {
  private active = 0;
  private readonly activeByProject = new Map<string, number>();
  private readonly waiting: { projectId: string; start: () => void }[] = [];

  constructor(
    private readonly perProject: number,
    private readonly total: number,
    private readonly maxWaiting: number,
  ) {}

  async run<T>(projectId: string, read: () => Promise<T>): Promise<T> {
    if (!this.mayStart(projectId)) {
      const queuedForProject = this.waiting.filter((w) => w.projectId === projectId).length;
      if (this.waiting.length >= this.maxWaiting || queuedForProject >= this.maxWaiting / 2) {
        throw new TooManyRequestsException(`too many reads of project ${projectId} at once; try again shortly`, 1);
      }
      await new Promise<void>((start) => this.waiting.push({ projectId, start }));
    } else {
      this.take(projectId);
    }
    try {
      return await read();
    } finally {
      this.release(projectId);
    }
  }

  private mayStart(projectId: string): boolean {
    return this.active < this.total && (this.activeByProject.get(projectId) ?? 0) < this.perProject;
  }

  private take(projectId: string): void {
    this.active += 1;
    this.activeByProject.set(projectId, (this.activeByProject.get(projectId) ?? 0) + 1);
  }

  private release(projectId: string): void {
    this.active -= 1;
    const left = (this.activeByProject.get(projectId) ?? 1) - 1;
    if (left > 0) this.activeByProject.set(projectId, left);
    else this.activeByProject.delete(projectId);
    // The first waiter that may start now does: another project's read is not held behind this one's queue.
    const next = this.waiting.findIndex((w) => this.mayStart(w.projectId));
    if (next >= 0) {
      const [waiter] = this.waiting.splice(next, 1);
      this.take(waiter.projectId);
      waiter.start();
    }
  }
}
