import { Logger } from '@nestjs/common';
import { DirectorySyncService } from './directory-sync.service';

type Mode = 'full' | 'incremental';

/** The service's own sync() with its directory run replaced by runs the test finishes by hand. */
function serviceWithManualRuns() {
  const runs: { mode: Mode; finish: () => void }[] = [];
  const service = new DirectorySyncService({} as never, {} as never, {} as never, {} as never, { now: () => 0 });
  (service as unknown as { run: (directory: unknown, mode: Mode) => Promise<unknown> }).run = (_directory, mode) =>
    new Promise((resolve) => runs.push({ mode, finish: () => resolve({ mode, run: runs.length }) }));
  return { service, runs };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('DirectorySyncService.sync while a sync runs', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('runs a full sync after a running incremental one for every full request made meanwhile, once', async () => {
    const { service, runs } = serviceWithManualRuns();
    const incremental = service.sync('incremental');
    const full1 = service.sync('full');
    const full2 = service.sync('full');
    expect(runs.map((r) => r.mode)).toEqual(['incremental']);
    runs[0].finish();
    await expect(incremental).resolves.toMatchObject({ mode: 'incremental', run: 1 });
    await settle();
    expect(runs.map((r) => r.mode)).toEqual(['incremental', 'full']);
    runs[1].finish();
    await expect(full1).resolves.toMatchObject({ mode: 'full', run: 2 });
    await expect(full2).resolves.toMatchObject({ mode: 'full', run: 2 });
  });

  it('answers an incremental or full request made while a full sync runs with that sync', async () => {
    const { service, runs } = serviceWithManualRuns();
    const full = service.sync('full');
    const incremental = service.sync('incremental');
    const again = service.sync('full');
    runs[0].finish();
    const results = await Promise.all([full, incremental, again]);
    expect(results.map((r) => (r as unknown as { run: number }).run)).toEqual([1, 1, 1]);
    expect(runs).toHaveLength(1);
  });

  it('shares a running incremental sync with another incremental request', async () => {
    const { service, runs } = serviceWithManualRuns();
    const first = service.sync('incremental');
    const second = service.sync('incremental');
    runs[0].finish();
    expect(await second).toBe(await first);
    expect(runs).toHaveLength(1);
  });
});
