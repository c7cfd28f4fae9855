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

/** A 503 that tells the client when to retry. */
export class UnavailableException extends HttpException {
  constructor(
    message: string,
    readonly retryAfterSeconds = 1,
    options?: { cause?: unknown },
  ) {
    super(message, HttpStatus.SERVICE_UNAVAILABLE, options);
  }
}
