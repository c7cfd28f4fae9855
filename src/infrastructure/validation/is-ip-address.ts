import { isIP } from 'node:net';
import { ValidateBy, ValidationOptions } from 'class-validator';

/** IPv4 or IPv6 (any textual form Node accepts, e.g. `2600:1900:0:2107::`), judged by `net.isIP`. */
export function IsIpAddress(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isIpAddress',
      validator: {
        validate: (value) => typeof value === 'string' && isIP(value) !== 0,
        defaultMessage: () => '$property must be an IPv4 or IPv6 address',
      },
    },
    options,
  );
}
