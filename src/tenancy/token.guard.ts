import { CanActivate, ExecutionContext, Injectable, SetMetadata, UnauthorizedException, ForbiddenException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { TokenScope } from './api-token.entity';
import type { Principal } from './principal';
import { tokenFromHeader } from './token-header';
import { TokenService } from './token.service';

const REQUIRED_SCOPES = 'audit:required-scopes';

/** The scopes that may call a handler; `admin` may always. */
export const RequireScope = (...scopes: TokenScope[]) => SetMetadata(REQUIRED_SCOPES, scopes);

export interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
}

/** Authenticates the Authorization header and checks the handler's required scope. */
@Injectable()
export class TokenGuard implements CanActivate {
  constructor(
    private readonly tokens: TokenService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const scopes = this.reflector.getAllAndOverride<TokenScope[] | undefined>(REQUIRED_SCOPES, [context.getHandler(), context.getClass()]);
    if (!scopes) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    const token = tokenFromHeader(Array.isArray(header) ? header[0] : header);
    if (!token) throw new UnauthorizedException('an Authorization header with a token is required (Bearer T, token=T or Token token=T)');
    const principal = await this.tokens.verify(token);
    if (!principal) throw new UnauthorizedException('the token is not valid');
    if (principal.scope !== 'admin' && !scopes.includes(principal.scope)) {
      throw new ForbiddenException(`this endpoint needs a token with scope ${scopes.join(' or ')}`);
    }
    request.principal = principal;
    return true;
  }
}
