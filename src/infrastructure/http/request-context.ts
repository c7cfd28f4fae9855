import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestContext {
  requestId: string;
}

/** Carries the request id to log lines written anywhere while the request is handled. */
export const requestContext = new AsyncLocalStorage<RequestContext>();
