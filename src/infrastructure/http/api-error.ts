import { HttpException, HttpStatus } from '@nestjs/common';

/** One offending input: where it is (`actor.id`, `events[3].crud`, `body`) and which rule it broke. */
export interface FieldError {
  field: string;
  rule: string;
  message: string;
}

/** The one error shape of every endpoint. */
export interface ApiErrorBody {
  statusCode: number;
  error: string;
  message: string;
  errors?: FieldError[];
  request_id?: string;
}

/** A 4xx that names the offending fields. */
export class InvalidInputException extends HttpException {
  constructor(
    readonly fieldErrors: FieldError[],
    status: HttpStatus = HttpStatus.BAD_REQUEST,
  ) {
    super(fieldErrors.map((e) => e.message).join('; '), status);
  }
}

/** An error the client should retry after a while; answered with `Retry-After`. */
export abstract class RetryLaterException extends HttpException {
  constructor(
    message: string,
    status: HttpStatus,
    readonly retryAfterSeconds: number,
    options?: { cause?: unknown },
  ) {
    super(message, status, options);
  }
}

/** A 503 that tells the client when to retry. */
export class UnavailableException extends RetryLaterException {
  constructor(message: string, retryAfterSeconds = 1, options?: { cause?: unknown }) {
    super(message, HttpStatus.SERVICE_UNAVAILABLE, retryAfterSeconds, options);
  }
}

/** A 429: this caller (or this project) has asked for too much at once. */
export class TooManyRequestsException extends RetryLaterException {
  constructor(message: string, retryAfterSeconds = 1) {
    super(message, HttpStatus.TOO_MANY_REQUESTS, retryAfterSeconds);
  }
}
