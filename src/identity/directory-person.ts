/** A group a person belongs to, directly or through nesting. */
export interface DirectoryGroupRef {
  dn: string;
  name: string;
}

/** One person of the customer's directory, as the mirror keeps them. */
export interface DirectoryPerson {
  /** The directory's stable identifier (objectGUID / entryUUID / provisioning uuid), lower case. */
  guid: string;
  /** Where the entry came from: `ldap`, `provisioning`, or a contributed source's name. */
  source: string;
  username?: string;
  upn?: string;
  email?: string;
  dn?: string;
  displayName?: string;
  /** Every group the person is in, nested membership included. */
  groups: DirectoryGroupRef[];
  disabled: boolean;
  deleted: boolean;
  /** Epoch milliseconds. */
  firstSeenAt?: number;
  lastSeenAt?: number;
}

/** A directory group and the groups it is itself a member of (for nested membership). */
export interface DirectoryGroup {
  dn: string;
  name: string;
  guid?: string;
  /** AD: the group's objectSid, by which people name their primary group. */
  sid?: string;
  parentDns: string[];
}
