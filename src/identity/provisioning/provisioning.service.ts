import { Injectable } from '@nestjs/common';
import type { DirectoryGroupRef, DirectoryPerson } from '../directory-person';
import { firstRdnValue } from '../ldap/distinguished-name';
import { isGuidString } from '../ldap/object-guid';
import { DirectoryMirror } from '../mirror/directory-mirror.service';
import type { ProvisioningUserDto } from '../api/provisioning-user.dto';

export const PROVISIONING_SOURCE = 'provisioning';

/**
 * The Replicated Provisioning API's semantics over the mirror: a create of a known user updates it,
 * a modify of an unknown user creates it (only uuid is guaranteed), a delete of an unknown user is
 * fine. Deleted users are kept, marked deleted, so their history stays attributed.
 */
@Injectable()
export class ProvisioningService {
  constructor(private readonly mirror: DirectoryMirror) {}

  async upsert(user: ProvisioningUserDto): Promise<DirectoryPerson> {
    const guid = normaliseUuid(user.uuid);
    const previous = this.mirror.get(guid);
    const displayName = user.full_name ?? ([user.first_name, user.last_name].filter(Boolean).join(' ') || undefined);
    const person: DirectoryPerson = {
      guid,
      source: PROVISIONING_SOURCE,
      username: user.username ?? previous?.username,
      upn: user.upn ?? previous?.upn,
      email: user.email ?? previous?.email,
      dn: user.dn ?? previous?.dn,
      displayName: displayName ?? previous?.displayName,
      groups: user.groups ? user.groups.map(toGroupRef) : (previous?.groups ?? []),
      disabled: previous?.disabled ?? false,
      deleted: false,
    };
    await this.mirror.apply([person]);
    return this.mirror.get(guid) ?? person;
  }

  async delete(uuid: string): Promise<boolean> {
    return (await this.mirror.markDeleted([normaliseUuid(uuid)])) > 0;
  }

  /** Starts over: every provisioned user is marked deleted until the provisioner sends them again. */
  async reset(): Promise<number> {
    return this.mirror.markDeleted(this.mirror.activeOf(PROVISIONING_SOURCE));
  }
}

function normaliseUuid(uuid: string): string {
  const trimmed = uuid.trim();
  return isGuidString(trimmed) ? trimmed.toLowerCase() : trimmed;
}

function toGroupRef(group: string): DirectoryGroupRef {
  return group.includes('=') ? { dn: group, name: firstRdnValue(group) ?? group } : { dn: group, name: group };
}
