import { CanActivate, ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { tokenDigest, tokenFromHeader, tokenMatches } from '../tenancy/token-header';

/** When INTEGRATION_API_TOKEN is set, the Audit API needs it; otherwise the endpoint is open, as in-cluster. */
@Injectable()
export class IntegrationApiGuard implements CanActivate {
  private readonly digest: Buffer | undefined;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.digest = config.integrationApiToken ? tokenDigest(config.integrationApiToken) : undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.digest) return true;
    const header = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>().headers.authorization;
    const token = tokenFromHeader(header);
    if (!token || !tokenMatches(token, this.digest)) {
      throw new UnauthorizedException('this endpoint needs the integration API token (Authorization: Bearer T)');
    }
    return true;
  }
}
