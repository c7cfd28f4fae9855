import { plainToInstance } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';
import { dtoAcceptor } from '../validation/dto-acceptor';
import { FieldError, InvalidInputException } from './api-error';

type Constructor<T> = new () => T;

/**
 * Validates a parsed JSON body against a class-validator DTO. Unknown fields are refused, and
 * every error names its field path (`actor.id`) and the rule, prefixed with `prefix` (`events[2].`).
 */
export function validateBody<T extends object>(dto: Constructor<T>, body: unknown, prefix = ''): T {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new InvalidInputException([
      { field: prefix ? prefix.replace(/\.$/, '') : 'body', rule: 'isObject', message: `${prefix ? prefix.replace(/\.$/, '') : 'body'} must be a JSON object` },
    ]);
  }
  // A valid body is recognised by the DTO's compiled accept path and returned as parsed (the DTOs
  // it serves hold plain data); anything else is judged, and explained, by class-validator.
  if (dtoAcceptor(dto)?.(body)) return body as T;
  const instance = plainToInstance(dto, body);
  const errors = fieldErrors(instance, prefix);
  if (errors.length > 0) throw new InvalidInputException(errors);
  return instance;
}

/** The field errors of one DTO instance, or none. */
export function fieldErrors(instance: object, prefix = ''): FieldError[] {
  const errors = validateSync(instance, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    stopAtFirstError: true,
    validationError: { target: false, value: false },
  });
  return flatten(errors, prefix);
}

function flatten(errors: ValidationError[], prefix: string): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const field = `${prefix}${error.property}`;
    for (const [rule, message] of Object.entries(error.constraints ?? {})) {
      out.push({ field, rule: rule === 'whitelistValidation' ? 'unknownField' : rule, message: message.replace(error.property, field) });
    }
    if (error.children?.length) out.push(...flatten(error.children, `${field}.`));
  }
  return out;
}
