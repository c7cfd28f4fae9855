import { UnavailableException } from '../infrastructure/http/api-error';

/** Events were not committed; the caller should retry. Answered as 503 with Retry-After. */
export class StorageUnavailableError extends UnavailableException {}
