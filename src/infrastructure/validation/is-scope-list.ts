import { ValidateBy, ValidationOptions } from 'class-validator';

/** One word of `allowed`, or several separated by single spaces, each at most once (OAuth-style scope). */
export function IsScopeList(allowed: readonly string[], options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isScopeList',
      validator: {
        validate: (value) => {
          if (typeof value !== 'string') return false;
          const words = value.split(' ');
          return words.length > 0 && words.every((word) => allowed.includes(word)) && new Set(words).size === words.length;
        },
        defaultMessage: () => `$property must be one of ${allowed.join(', ')}, or several of them separated by spaces`,
      },
    },
    options,
  );
}
