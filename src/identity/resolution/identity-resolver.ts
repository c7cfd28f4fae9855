import { DiscoveryService } from '@nestjs/core';
import type { DirectoryPerson } from '../directory-person';

/** What resolving an actor id tells: the person, that nobody has that name, or not yet known. */
export type IdentityResolution = { status: 'resolved'; person: DirectoryPerson } | { status: 'unknown' } | { status: 'pending'; reason: string };

export interface ResolveOptions {
  /** Longest to wait for a live lookup; after it the answer is `pending` (the lookup carries on). */
  budgetMs?: number;
}

/**
 * Maps any of a person's names (GUID, username, `DOMAIN\user`, UPN, email, DN) to the person.
 * The default answers from the directory mirror and, on a miss, asks the directory live. Replace it
 * by providing another implementation under {@link IDENTITY_RESOLVER}.
 */
export interface IdentityResolver {
  /** Answers from memory only, with no I/O; undefined when only a lookup can tell. */
  resolveLocal(identifier: string): IdentityResolution | undefined;
  resolve(identifier: string, options?: ResolveOptions): Promise<IdentityResolution>;
  /** GUIDs of the members of a group (name or DN), nested membership included. */
  membersOf(group: string): string[];
}

export const IDENTITY_RESOLVER = Symbol('IDENTITY_RESOLVER');

/**
 * A place people can be looked up live, besides the LDAP directory: an HR system, a second
 * directory. Contributed by declaring a provider marked {@link IdentitySourceProvider}; the default
 * resolver asks sources in ascending `order` after the mirror and LDAP.
 */
export interface IdentitySource {
  readonly name: string;
  /** The person, null when this source knows nobody by that name; throws when it cannot tell. */
  lookup(identifier: string): Promise<DirectoryPerson | null>;
}

export const IdentitySourceProvider = DiscoveryService.createDecorator<{ order?: number }>();
