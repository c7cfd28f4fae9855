import { DiscoveryService } from '@nestjs/core';

export interface ReadinessResult {
  ok: boolean;
  detail?: string;
}

/** A dependency `/health/ready` reports on; modules contribute one by providing a decorated class. */
export interface ReadinessCheck {
  readonly name: string;
  /** A failing non-critical check is reported but leaves the service ready. Default true. */
  readonly critical?: boolean;
  check(): Promise<ReadinessResult>;
}

export const ReadinessIndicator = DiscoveryService.createDecorator<void>();
