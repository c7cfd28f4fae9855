import type { LdapConfig } from '../../config/app-config';

export type DirectoryKind = 'ad' | 'openldap' | 'rfc4512';

/** Which attributes and filters one kind of directory uses for people and groups. */
export interface DirectorySchema {
  kind: DirectoryKind;
  guidAttribute: string;
  /** objectGUID is 16 raw bytes; entryUUID and most others are text. */
  binaryGuid: boolean;
  usernameAttribute: string;
  /** Selects people (sync and lookups). */
  personFilter: string;
  groupFilter: string;
  /** Finds a person by a name; `{id}` is replaced with the escaped identifier. */
  userFilter: string;
  /** Attribute whose ordering drives incremental sync. */
  changeAttribute: 'uSNChanged' | 'modifyTimestamp';
  personAttributes: string[];
  groupAttributes: string[];
  /** Attributes read as bytes: the GUID attribute, and AD's objectSid. */
  binaryAttributes: string[];
}

/** Identifier attributes AD stores as 16 raw bytes (objectGUID, and the one Azure AD Connect uses). */
const BINARY_GUID_ATTRIBUTES = new Set(['objectguid', 'ms-ds-consistencyguid', 'msds-consistencyguid']);

const AD_PERSON = '(&(objectCategory=person)(objectClass=user))';
const LDAP_PERSON = '(|(objectClass=person)(objectClass=posixAccount))';

export function directorySchema(kind: DirectoryKind, config: Pick<LdapConfig, 'guidAttribute' | 'userFilter'>): DirectorySchema {
  const ad = kind === 'ad';
  const guidAttribute = config.guidAttribute ?? (ad ? 'objectGUID' : 'entryUUID');
  const usernameAttribute = ad ? 'sAMAccountName' : 'uid';
  const personFilter = ad ? AD_PERSON : LDAP_PERSON;
  const nameMatch = ad ? '(|(sAMAccountName={id})(userPrincipalName={id})(mail={id}))' : '(|(uid={id})(mail={id}))';
  const changeAttribute = ad ? 'uSNChanged' : 'modifyTimestamp';
  return {
    kind,
    guidAttribute,
    binaryGuid: BINARY_GUID_ATTRIBUTES.has(guidAttribute.toLowerCase()),
    usernameAttribute,
    personFilter,
    groupFilter: ad ? '(objectClass=group)' : '(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)(objectClass=posixGroup))',
    userFilter: config.userFilter ?? `(&${personFilter}${nameMatch})`,
    changeAttribute,
    personAttributes: [
      guidAttribute,
      usernameAttribute,
      'userPrincipalName',
      'mail',
      'displayName',
      'cn',
      'memberOf',
      'userAccountControl',
      'pwdAccountLockedTime',
      changeAttribute,
      // AD keeps the primary group (Domain Users, usually) out of memberOf: its RID is primaryGroupID.
      ...(ad ? ['objectSid', 'primaryGroupID'] : []),
    ],
    groupAttributes: [guidAttribute, 'cn', 'member', 'uniqueMember', 'memberUid', 'memberOf', changeAttribute, ...(ad ? ['objectSid'] : [])],
    binaryAttributes: [guidAttribute, ...(ad ? ['objectSid'] : [])],
  };
}
