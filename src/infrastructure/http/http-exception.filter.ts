import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Counter } from 'prom-client';
import { MetricsRegistry } from '../metrics/metrics.registry';
import { isDatabaseUnavailable } from '../database/database-unavailable';
import { ApiErrorBody, InvalidInputException, RetryLaterException, UnavailableException } from './api-error';

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** nginx's name for "the client closed the connection before the answer", as a metric label only. */
const CLIENT_CLOSED_REQUEST = '499';

/** Fastify's own refusals reach the filter as plain HttpExceptions; these say which field they concern. */
const FIELD_OF_STATUS: Record<number, { field: string; rule: string; message: string }> = {
  413: { field: 'body', rule: 'maxSize', message: 'body is larger than the limit' },
  415: { field: 'content-type', rule: 'isJson', message: 'content-type must be application/json' },
};

/** Renders every error in the one error shape, and counts refusals. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');
  private readonly refused: Counter<'route' | 'status'>;

  constructor(registry: MetricsRegistry) {
    this.refused = registry.counter({
      name: 'audit_requests_refused_total',
      help: 'Requests answered with an error status, by route and status',
      labelNames: ['route', 'status'],
    });
  }

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    // A client that hung up (mid-body, or before the answer) is not a server error, and hears nothing.
    if (request.raw.aborted || request.raw.socket?.destroyed || reply.raw.destroyed) {
      this.logger.debug({ msg: 'client went away', request_id: String(request.id), method: request.method, url: request.url });
      this.refused.inc({ route: request.routeOptions?.url ?? 'unmatched', status: CLIENT_CLOSED_REQUEST });
      return;
    }
    // Whatever the database could not do now (any endpoint) is an outage, answered 503 with Retry-After.
    const exception =
      !(error instanceof HttpException) && isDatabaseUnavailable(error)
        ? new UnavailableException('the database is unavailable; nothing was stored, try again', 1, { cause: error })
        : error;
    const body = this.toBody(exception);
    body.request_id = String(request.id);
    if (body.statusCode >= 500) {
      this.logger.error({
        msg: 'request failed',
        request_id: body.request_id,
        status: body.statusCode,
        method: request.method,
        url: request.url,
        error: describe(exception),
      });
    } else {
      this.logger.debug({
        msg: 'request refused',
        request_id: body.request_id,
        status: body.statusCode,
        method: request.method,
        url: request.url,
        errors: body.errors ?? body.message,
      });
    }
    this.refused.inc({ route: request.routeOptions?.url ?? 'unmatched', status: String(body.statusCode) });
    if (exception instanceof RetryLaterException) reply.header('retry-after', String(exception.retryAfterSeconds));
    reply.status(body.statusCode).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(body));
  }

  private toBody(exception: unknown): ApiErrorBody {
    if (exception instanceof InvalidInputException) {
      const status = exception.getStatus();
      return { statusCode: status, error: REASONS[status] ?? 'Error', message: exception.message, errors: exception.fieldErrors };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const message = typeof response === 'string' ? response : (response as { message?: unknown }).message;
      const field = FIELD_OF_STATUS[status];
      if (field) return { statusCode: status, error: REASONS[status], message: field.message, errors: [field] };
      return {
        statusCode: status,
        error: REASONS[status] ?? 'Error',
        message: Array.isArray(message) ? message.join('; ') : String(message ?? exception.message),
      };
    }
    return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, error: REASONS[500], message: 'internal error' };
  }
}

function describe(exception: unknown): string {
  return exception instanceof Error ? `${exception.name}: ${exception.message}` : String(exception);
}
