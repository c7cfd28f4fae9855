import { SetMetadata } from '@nestjs/common';

/** The metadata key under which every route states who may call it (see tenancy/authorization). */
export const ACCESS_RULE = 'audit:access-rule';

/** Open to anyone (liveness, readiness, metrics). Every other route must name a permission: routes without a rule are refused. */
export const Public = () => SetMetadata(ACCESS_RULE, 'public');
