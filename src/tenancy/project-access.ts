import { ForbiddenException } from '@nestjs/common';
import type { Principal } from './principal';

/** A project token works only in its own project; an instance admin token works in every project. */
export function assertProjectAccess(principal: Principal, projectId: string): void {
  if (principal.projectId !== null && principal.projectId !== projectId) {
    throw new ForbiddenException(`this token belongs to another project than ${projectId}`);
  }
}
