import { ReadGate } from './read-gate';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('ReadGate', () => {
  it("runs another project's read while one project's reads wait their turn", async () => {
    const gate = new ReadGate(2, 4, 20);
    const holds = [deferred(), deferred(), deferred()];
    const started: string[] = [];
    const reads = holds.map((hold, i) =>
      gate.run('A', async () => {
        started.push(`A${i}`);
        await hold.promise;
      }),
    );
    const other = gate.run('B', async () => {
      started.push('B');
    });
    await other;
    expect(started).toEqual(['A0', 'A1', 'B']);
    holds[0].resolve();
    await reads[0];
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual(['A0', 'A1', 'B', 'A2']);
    holds[1].resolve();
    holds[2].resolve();
    await Promise.all(reads);
  });

  it('answers 429 instead of queueing without bound, and releases on failure', async () => {
    const gate = new ReadGate(1, 1, 2);
    const hold = deferred();
    const first = gate.run('A', () => hold.promise);
    const queued = gate.run('A', async () => 'ok');
    await expect(gate.run('A', async () => 'late')).rejects.toMatchObject({ status: 429, retryAfterSeconds: 1 });
    hold.resolve();
    await first;
    expect(await queued).toBe('ok');
    await expect(
      gate.run('A', async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await gate.run('A', async () => 'again')).toBe('again');
  });
});
