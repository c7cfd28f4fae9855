import type { TokenScope } from './api-token.entity';

/** Who a request is authenticated as. */
export interface Principal {
  tokenId: string;
  scope: TokenScope;
  /** The token's project; null for an instance-wide admin token. */
  projectId: string | null;
}
