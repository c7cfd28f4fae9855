import { ForbiddenException } from '@nestjs/common';
import type { Principal } from './principal';
import { DEFAULT_PROJECT_ID } from './project.entity';

/** A project token works only in its own project; an instance admin token works in every project. */
export function assertProjectAccess(principal: Principal, projectId: string): void {
  if (principal.projectId !== null && principal.projectId !== projectId) {
    throw new ForbiddenException(`this token belongs to another project than ${projectId}`);
  }
}

/** The project a read names, else the token's own (`default` for an instance admin token), checked. */
export function readableProject(principal: Principal, requested: string | undefined): string {
  const projectId = requested ?? principal.projectId ?? DEFAULT_PROJECT_ID;
  assertProjectAccess(principal, projectId);
  return projectId;
}
