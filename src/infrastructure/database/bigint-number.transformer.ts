import type { ValueTransformer } from 'typeorm';

/** PostgreSQL returns bigint as a string; epoch milliseconds and sequence numbers fit a JS number. */
export const bigintNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};
