import { ValidateBy, ValidationOptions } from 'class-validator';

/** A query-string integer written in plain decimal digits (no sign, spaces, hex, exponent or fraction), from `min` to `max`. */
export function IsDecimalInteger(min: number, max: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isDecimalInteger',
      validator: {
        validate: (value) => typeof value === 'string' && /^[0-9]{1,9}$/.test(value) && Number(value) >= min && Number(value) <= max,
        defaultMessage: () => `$property must be a whole number from ${min} to ${max}, written in decimal digits`,
      },
    },
    options,
  );
}
