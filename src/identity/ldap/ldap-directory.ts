import { Logger } from '@nestjs/common';
import { AndFilter, Client, Control, EqualityFilter, Entry, Filter, FilterParser, InvalidDNSyntaxError, NoSuchObjectError } from 'ldapts';
import type { LdapConfig } from '../../config/app-config';
import type { DirectoryGroup, DirectoryPerson } from '../directory-person';
import { dnKey, domainComponents, firstRdnValue } from './distinguished-name';
import { DirectoryKind, DirectorySchema, directorySchema } from './directory-schema';
import { LdapConnection } from './ldap-connection';
import { escapeFilterValue, renderUserFilter } from './ldap-filter';
import { formatObjectGuid, isGuidString, objectGuidBytes } from './object-guid';
import { formatSid, primaryGroupSid } from './object-sid';

/** AD's cap on entries per page (MaxPageSize); smaller pages keep memory flat. */
const PAGE_SIZE = 500;
const AD_CAPABILITY = '1.2.840.113556.1.4.800';
/** AD's Show Deleted control: tombstones are returned by searches that carry it. */
const SHOW_DELETED_CONTROL = '1.2.840.113556.1.4.417';

/** A person as read from the directory, before nested groups are resolved. */
export interface DirectoryEntryPerson extends Omit<DirectoryPerson, 'groups' | 'deleted' | 'source'> {
  /** DNs of the groups the entry names itself (memberOf). */
  memberOf: string[];
  /** AD: the SID of the person's primary group, a membership memberOf leaves out. */
  primaryGroupSid?: string;
  /** The change marker of the entry (uSNChanged or modifyTimestamp). */
  changeMarker?: string;
}

export interface DirectoryGroupEntry extends DirectoryGroup {
  /** Member DNs the group lists (member / uniqueMember). */
  memberDns: string[];
  /** posixGroup memberUid values (usernames). */
  memberUids: string[];
  changeMarker?: string;
}

export interface DirectoryInfo {
  kind: DirectoryKind;
  baseDn: string;
  /** The domain's naming context (defaultNamingContext); AD keeps deleted objects at its root. */
  domainDn: string;
  /** NetBIOS domain name (AD), for `DOMAIN\user` identifiers. */
  netbiosDomain?: string;
  /** AD's highestCommittedUSN when the info was read. */
  highestCommittedUsn?: string;
  /** Which server answered (AD's dsServiceName): USNs are per domain controller. */
  serverId?: string;
}

/**
 * Everything the service asks of an LDAP directory: what kind it is, one person by any name,
 * and every person and group (paged) for the mirror. Search references are not followed.
 */
export class LdapDirectory {
  private readonly logger = new Logger('LdapDirectory');
  readonly connection: LdapConnection;
  /** Syncs page on their own connection: a slow lookup timing out must not cut a paged search. */
  readonly syncConnection: LdapConnection;
  private info?: DirectoryInfo;
  private schemaCache?: DirectorySchema;

  constructor(private readonly config: LdapConfig) {
    this.connection = new LdapConnection(config);
    this.syncConnection = new LdapConnection(config);
  }

  async close(): Promise<void> {
    await Promise.all([this.connection.close(), this.syncConnection.close()]);
  }

  /** The configured URLs, without credentials (LDAP URLs carry none). */
  get urls(): string[] {
    return this.config.urls;
  }

  get kind(): DirectoryKind | undefined {
    return this.info?.kind;
  }

  get schema(): DirectorySchema | undefined {
    return this.schemaCache;
  }

  get netbiosDomain(): string | undefined {
    return this.info?.netbiosDomain;
  }

  /** Reads the rootDSE (kind, naming context, AD's USN); cached after the first success except the USN. */
  async describe(): Promise<DirectoryInfo> {
    const root = await this.connection.run((c) =>
      c.search('', {
        scope: 'base',
        filter: '(objectClass=*)',
        attributes: [
          'dsServiceName',
          'supportedCapabilities',
          'defaultNamingContext',
          'namingContexts',
          'highestCommittedUSN',
          'configurationNamingContext',
          'objectClass',
          'structuralObjectClass',
          'vendorName',
        ],
      }),
    );
    const entry = root.searchEntries[0] ?? { dn: '' };
    const capabilities = values(entry, 'supportedCapabilities');
    const classes = [...values(entry, 'objectClass'), ...values(entry, 'structuralObjectClass')].map((v) => v.toLowerCase());
    const detected: DirectoryKind = capabilities.includes(AD_CAPABILITY) ? 'ad' : classes.includes('openldaprootdse') ? 'openldap' : 'rfc4512';
    const kind = this.config.kind ?? detected;
    const baseDn = this.config.baseDn ?? first(entry, 'defaultNamingContext') ?? values(entry, 'namingContexts')[0] ?? '';
    let netbiosDomain = this.info?.netbiosDomain;
    if (kind === 'ad' && netbiosDomain === undefined) {
      netbiosDomain = (await this.readNetbiosDomain(first(entry, 'configurationNamingContext'), baseDn)) ?? domainComponents(baseDn)[0];
    }
    const domainDn = first(entry, 'defaultNamingContext') ?? baseDn;
    this.info = {
      kind,
      baseDn,
      domainDn,
      netbiosDomain,
      highestCommittedUsn: first(entry, 'highestCommittedUSN'),
      serverId: first(entry, 'dsServiceName') ?? this.connection.connectedUrl,
    };
    this.schemaCache ??= directorySchema(kind, this.config);
    return this.info;
  }

  /**
   * Finds one person by GUID, DN, `DOMAIN\user`, username, UPN or email. Returns null when the
   * directory answers that nobody matches (or more than one person does).
   */
  async lookup(identifier: string): Promise<DirectoryEntryPerson | null> {
    const info = this.info ?? (await this.describe());
    const schema = this.schemaCache as DirectorySchema;
    const attributes = schema.personAttributes;
    // Read as bytes whatever the attribute; binary GUID attributes are formatted, others decoded as text.
    const explicitBufferAttributes = schema.binaryAttributes;

    if (isGuidString(identifier)) {
      const value = schema.binaryGuid ? objectGuidBytes(identifier) : identifier.toLowerCase();
      const filter = new AndFilter({
        filters: [FilterParser.parseString(schema.personFilter), new EqualityFilter({ attribute: schema.guidAttribute, value })],
      });
      return this.single(info.baseDn, 'sub', filter, attributes, explicitBufferAttributes);
    }
    if (dnKey(identifier) !== undefined && /=/.test(identifier)) {
      try {
        return await this.single(identifier, 'base', FilterParser.parseString(schema.personFilter), attributes, explicitBufferAttributes);
      } catch (error) {
        if (error instanceof NoSuchObjectError) return null;
        // Not a DN the server accepts (e.g. `a=b` inside a name): fall through to the name search.
        if (!(error instanceof InvalidDNSyntaxError)) throw error;
      }
    }
    const backslash = identifier.indexOf('\\');
    const name = backslash > 0 ? identifier.slice(backslash + 1) : identifier;
    if (backslash > 0 && info.netbiosDomain && identifier.slice(0, backslash).toLowerCase() !== info.netbiosDomain.toLowerCase()) return null;
    return this.single(info.baseDn, 'sub', FilterParser.parseString(renderUserFilter(schema.userFilter, name)), attributes, explicitBufferAttributes);
  }

  /** Pages through every group under the base DN. */
  async *groups(changedSince?: string): AsyncGenerator<DirectoryGroupEntry[]> {
    const info = this.info ?? (await this.describe());
    const schema = this.schemaCache as DirectorySchema;
    const filter = this.withChangeFilter(schema.groupFilter, changedSince);
    for await (const page of this.paged(info.baseDn, filter, schema.groupAttributes, schema.binaryAttributes)) {
      yield page.map((entry) => ({
        dn: entry.dn,
        name: first(entry, 'cn') ?? firstRdnValue(entry.dn) ?? entry.dn,
        guid: this.guidOf(entry),
        sid: sidOf(entry),
        parentDns: values(entry, 'memberOf'),
        memberDns: [...values(entry, 'member'), ...values(entry, 'uniqueMember')],
        memberUids: values(entry, 'memberUid'),
        changeMarker: first(entry, schema.changeAttribute),
      }));
    }
  }

  /** Pages through every person under the base DN (changed since the marker, when given). */
  async *people(changedSince?: string): AsyncGenerator<DirectoryEntryPerson[]> {
    const info = this.info ?? (await this.describe());
    const schema = this.schemaCache as DirectorySchema;
    const filter = this.withChangeFilter(schema.personFilter, changedSince);
    for await (const page of this.paged(info.baseDn, filter, schema.personAttributes, schema.binaryAttributes)) {
      const people: DirectoryEntryPerson[] = [];
      for (const entry of page) {
        const person = this.toPerson(entry);
        if (person) people.push(person);
      }
      yield people;
    }
  }

  /**
   * AD: the GUIDs of people deleted since the marker (a USN). A deleted object becomes a tombstone
   * in the domain's Deleted Objects container, outside any OU the base DN names, visible only with
   * the Show Deleted control and, by default, only to administrators: without that right the answer
   * is empty and the periodic full sync finds the people gone. Computers are user objects too;
   * their GUIDs match nobody in the mirror.
   */
  async *deletedPeople(changedSince: string): AsyncGenerator<string[]> {
    const info = this.info ?? (await this.describe());
    const schema = this.schemaCache as DirectorySchema;
    if (info.kind !== 'ad') return;
    const filter = FilterParser.parseString(`(&(objectClass=user)(isDeleted=TRUE)(uSNChanged>=${escapeFilterValue(String(BigInt(changedSince) + 1n))}))`);
    const control = new Control(SHOW_DELETED_CONTROL, { critical: true });
    for await (const page of this.paged(info.domainDn, filter, [schema.guidAttribute], schema.binaryAttributes, [control])) {
      yield page.map((entry) => this.guidOf(entry)).filter((guid): guid is string => guid !== undefined);
    }
  }

  private withChangeFilter(base: string, changedSince: string | undefined): Filter {
    if (changedSince === undefined) return FilterParser.parseString(base);
    const schema = this.schemaCache as DirectorySchema;
    const marker = schema.changeAttribute === 'uSNChanged' ? String(BigInt(changedSince) + 1n) : changedSince;
    return FilterParser.parseString(`(&${base}(${schema.changeAttribute}>=${escapeFilterValue(marker)}))`);
  }

  private async *paged(
    baseDn: string,
    filter: Filter,
    attributes: string[],
    explicitBufferAttributes: string[],
    controls: Control[] = [],
  ): AsyncGenerator<Entry[]> {
    // One connection for the whole paged search: a reconnect mid-way would lose the paging cookie.
    const pages = await this.syncConnection.run(async (client: Client) =>
      client.searchPaginated(baseDn, { scope: 'sub', filter, attributes, explicitBufferAttributes, paged: { pageSize: PAGE_SIZE } }, controls),
    );
    for await (const page of pages) yield page.searchEntries;
  }

  private async single(
    base: string,
    scope: 'base' | 'sub',
    filter: Filter,
    attributes: string[],
    explicitBufferAttributes: string[],
  ): Promise<DirectoryEntryPerson | null> {
    const result = await this.connection.run((c) => c.search(base, { scope, filter, attributes, explicitBufferAttributes, sizeLimit: 2 }));
    const people = result.searchEntries.map((e) => this.toPerson(e)).filter((p): p is DirectoryEntryPerson => p !== null);
    if (people.length > 1) this.logger.warn({ msg: 'identifier matches more than one directory entry; treated as unknown', count: people.length });
    return people.length === 1 ? people[0] : null;
  }

  private guidOf(entry: Entry): string | undefined {
    const schema = this.schemaCache as DirectorySchema;
    const value = rawValues(entry, schema.guidAttribute)[0];
    if (value === undefined) return undefined;
    if (Buffer.isBuffer(value)) return schema.binaryGuid && value.length === 16 ? formatObjectGuid(value) : value.toString('utf8').toLowerCase();
    return String(value).toLowerCase();
  }

  private toPerson(entry: Entry): DirectoryEntryPerson | null {
    const schema = this.schemaCache as DirectorySchema;
    const guid = this.guidOf(entry);
    if (!guid) return null;
    const uac = Number(first(entry, 'userAccountControl') ?? 0);
    return {
      guid,
      username: first(entry, schema.usernameAttribute),
      upn: first(entry, 'userPrincipalName'),
      email: first(entry, 'mail'),
      dn: entry.dn,
      displayName: first(entry, 'displayName') ?? first(entry, 'cn'),
      disabled: (uac & 2) === 2 || first(entry, 'pwdAccountLockedTime') !== undefined,
      memberOf: values(entry, 'memberOf'),
      primaryGroupSid: primaryGroupSid(sidOf(entry), first(entry, 'primaryGroupID')),
      changeMarker: first(entry, schema.changeAttribute),
    };
  }

  private async readNetbiosDomain(configurationDn: string | undefined, baseDn: string): Promise<string | undefined> {
    if (!configurationDn) return undefined;
    try {
      const result = await this.connection.run((c) =>
        c.search(`CN=Partitions,${configurationDn}`, {
          scope: 'one',
          filter: new AndFilter({
            filters: [new EqualityFilter({ attribute: 'objectClass', value: 'crossRef' }), new EqualityFilter({ attribute: 'nCName', value: baseDn })],
          }),
          attributes: ['nETBIOSName'],
        }),
      );
      return first(result.searchEntries[0] ?? { dn: '' }, 'nETBIOSName');
    } catch {
      return undefined;
    }
  }
}

/** An attribute's values as the client returned them (Buffers for binary ones), whatever its case. */
function rawValues(entry: Entry, attribute: string): unknown[] {
  let raw: Entry[string] | undefined = entry[attribute];
  if (raw === undefined) {
    const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
    raw = key ? entry[key] : undefined;
  }
  if (raw === undefined) return [];
  return Array.isArray(raw) ? raw : [raw];
}

function values(entry: Entry, attribute: string): string[] {
  return rawValues(entry, attribute).map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v)));
}

function first(entry: Entry, attribute: string): string | undefined {
  return values(entry, attribute)[0];
}

/** AD's objectSid (read as bytes) in its printed form. */
function sidOf(entry: Entry): string | undefined {
  const value = rawValues(entry, 'objectSid')[0];
  return Buffer.isBuffer(value) ? formatSid(value) : undefined;
}
