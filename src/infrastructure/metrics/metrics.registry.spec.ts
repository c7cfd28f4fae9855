import { MetricsRegistry } from './metrics.registry';

describe('MetricsRegistry', () => {
  it('declares counters and histograms on itself, and refuses a name declared twice', async () => {
    const registry = new MetricsRegistry();
    const counter = registry.counter({ name: 'audit_things_total', help: 'Things', labelNames: ['kind'] });
    const histogram = registry.histogram({ name: 'audit_thing_seconds', help: 'Thing time', buckets: [0.1, 1] });
    counter.inc({ kind: 'a' }, 2);
    histogram.observe(0.5);
    const text = await registry.metrics();
    expect(text).toContain('audit_things_total{kind="a"} 2');
    expect(text).toContain('audit_thing_seconds_bucket{le="1"} 1');
    expect(() => registry.counter({ name: 'audit_things_total', help: 'again' })).toThrow(/already been registered/);
    // Another registry (another app in the same process) declares the same names freely.
    expect(() => new MetricsRegistry().counter({ name: 'audit_things_total', help: 'Things' })).not.toThrow();
  });
});
