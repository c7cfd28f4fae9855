import { SetMetadata } from '@nestjs/common';
import { ACCESS_RULE } from '../../infrastructure/http/public-route';
import type { Permission } from './authorization-policy';

export { ACCESS_RULE, Public } from '../../infrastructure/http/public-route';

/**
 * Where a request names the project it concerns: a route parameter, or an optional query
 * parameter (absent: the token's own project; for an instance token `instanceDefault`, where
 * null means every project).
 */
export type ProjectSource = { param: string } | { query: string; instanceDefault: string | null };

export type AccessRule = { permission: Permission; project?: ProjectSource } | 'public';

/** The permission a handler (or every handler of a controller) needs, and where its project is named. */
export const Authorize = (permission: Permission, project?: ProjectSource) => SetMetadata(ACCESS_RULE, { permission, project } satisfies AccessRule);

export const projectParam = (name = 'projectId'): ProjectSource => ({ param: name });
export const projectQuery = (name = 'project', instanceDefault: string | null = 'default'): ProjectSource => ({ query: name, instanceDefault });
