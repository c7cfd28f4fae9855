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
  if (dtoAcceptor(dto)?.(body)) return withoutNulls(body) as T;
  const instance = plainToInstance(dto, body);
  const errors = fieldErrors(instance, prefix);
  if (errors.length > 0) throw new InvalidInputException(errors);
  return withoutNulls(instance);
}

/**
 * A valid body with its null-valued properties removed: a null that passed validation is on an
 * optional property (IsOptional lets null through), and means the same as leaving it out — so
 * no code after validation ever meets a null it would have to tell from absent.
 */
function withoutNulls<T extends object>(value: T): T {
  const stack: object[] = [value];
  while (stack.length > 0) {
    const object = stack.pop() as Record<string, unknown>;
    for (const key of Object.keys(object)) {
      const inner = object[key];
      if (inner === null) delete object[key];
      else if (typeof inner === 'object') stack.push(inner);
    }
  }
  return value;
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
