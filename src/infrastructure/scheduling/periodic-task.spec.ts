import { PeriodicTask } from './periodic-task';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('a periodic task', () => {
  it('runs one at a time: callers during a run share it, and a kick during a run is one more run after it', async () => {
    const gates = [deferred(), deferred()];
    let runs = 0;
    const task = new PeriodicTask(
      async () => {
        const n = runs++;
        await gates[n].promise;
        return n;
      },
      () => undefined,
    );
    const first = task.run();
    expect(task.run()).toBe(first);
    task.kick();
    task.kick();
    gates[0].resolve();
    expect(await first).toBe(0);
    await Promise.resolve();
    expect(runs).toBe(2);
    gates[1].resolve();
    await task.settled();
    expect(runs).toBe(2);
  });

  it('tells a failed run that nobody awaited to its error handler', async () => {
    const errors: string[] = [];
    const task = new PeriodicTask(
      () => Promise.reject(new Error('directory down')),
      (error) => errors.push(error.message),
    );
    task.kick();
    await task.settled();
    await new Promise((resolve) => setImmediate(resolve));
    expect(errors).toEqual(['directory down']);
  });

  it('stops: waits for the run in progress, and starts none after', async () => {
    const gate = deferred();
    let runs = 0;
    const task = new PeriodicTask(
      async () => {
        runs += 1;
        await gate.promise;
      },
      () => undefined,
    );
    task.start(10);
    task.kick();
    let stopped = false;
    const stopping = task.stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(stopped).toBe(false);
    gate.resolve();
    await stopping;
    task.kick();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(runs).toBe(1);
  });
});
