import type { DirectoryPerson } from '../directory-person';

/** The JSON shape of a directory person on the Identity API. */
export function personView(person: DirectoryPerson) {
  return {
    guid: person.guid,
    username: person.username ?? null,
    upn: person.upn ?? null,
    email: person.email ?? null,
    dn: person.dn ?? null,
    display_name: person.displayName ?? null,
    groups: person.groups.map((g) => g.name),
    group_dns: person.groups.map((g) => g.dn),
    disabled: person.disabled,
    deleted: person.deleted,
    source: person.source,
    first_seen: person.firstSeenAt ? new Date(person.firstSeenAt).toISOString() : null,
    last_seen: person.lastSeenAt ? new Date(person.lastSeenAt).toISOString() : null,
  };
}
