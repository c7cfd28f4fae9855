import { ValidateBy, ValidationOptions } from 'class-validator';

/**
 * A string of at most `max` bytes in UTF-8. For values the database indexes: a B-tree entry holds
 * at most 2,704 bytes on PostgreSQL, and MaxLength counts characters (1,024 of them can be 4,096 bytes).
 */
export function MaxUtf8Bytes(max: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'maxUtf8Bytes',
      constraints: [max],
      validator: {
        // Up to max/4 characters cannot exceed it, whatever they are.
        validate: (value) => typeof value !== 'string' || value.length <= max / 4 || Buffer.byteLength(value, 'utf8') <= max,
        defaultMessage: () => `$property must be at most ${max} bytes in UTF-8`,
      },
    },
    options,
  );
}
