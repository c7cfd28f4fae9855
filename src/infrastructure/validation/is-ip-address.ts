import { isIP } from 'node:net';
import { ValidateBy, ValidationOptions } from 'class-validator';

const MAX_IP_LENGTH = 45;

/** IPv4 or IPv6 (any textual form Node accepts, e.g. `2600:1900:0:2107::`), judged by `net.isIP`, and at most 45 characters (the column; a zone id can make it longer). */
export function IsIpAddress(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isIpAddress',
      validator: {
        validate: (value) => typeof value === 'string' && value.length <= MAX_IP_LENGTH && isIP(value) !== 0,
        defaultMessage: () => '$property must be an IPv4 or IPv6 address',
      },
    },
    options,
  );
}
