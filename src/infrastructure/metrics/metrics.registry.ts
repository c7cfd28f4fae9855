import { Injectable } from '@nestjs/common';
import { Counter, CounterConfiguration, Histogram, HistogramConfiguration, Registry, collectDefaultMetrics } from 'prom-client';

type Declaration<T> = Omit<T, 'registers' | 'name'> & { name: `audit_${string}` };

/**
 * The service's own Prometheus registry (not prom-client's global one, so test apps do not
 * collide), and the one way a module declares a metric: `registry.counter({...})` or
 * `registry.histogram({...})`, named `audit_…`, once (a second declaration of a name throws).
 */
@Injectable()
export class MetricsRegistry extends Registry {
  constructor() {
    super();
    collectDefaultMetrics({ register: this, prefix: 'audit_' });
  }

  counter<L extends string = string>(declaration: Declaration<CounterConfiguration<L>>): Counter<L> {
    return new Counter<L>({ ...declaration, registers: [this] });
  }

  histogram<L extends string = string>(declaration: Declaration<HistogramConfiguration<L>>): Histogram<L> {
    return new Histogram<L>({ ...declaration, registers: [this] });
  }
}
