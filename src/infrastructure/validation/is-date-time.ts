import { isISO8601, ValidateBy, ValidationOptions } from 'class-validator';

/**
 * An ISO 8601 date-time that can be stored as an instant: strict ISO 8601 *and* readable by
 * `Date.parse` (week dates, ordinal dates and the basic format pass the first and not the second).
 */
export function IsDateTime(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isIso8601',
      validator: {
        validate: (value) => typeof value === 'string' && isISO8601(value, { strict: true }) && !Number.isNaN(Date.parse(value)),
        defaultMessage: () => '$property must be an ISO 8601 date-time such as 2026-11-01T00:00:00Z',
      },
    },
    options,
  );
}
