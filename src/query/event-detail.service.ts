import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { DirectoryPerson } from '../identity/directory-person';
import { dnKey } from '../identity/ldap/distinguished-name';
import { DirectoryMirror } from '../identity/mirror/directory-mirror.service';
import { IDENTITY_RESOLVER, IdentityResolver } from '../identity/resolution/identity-resolver';
import { AuditEventReader } from '../event-store/event-reader';
import { SealService } from '../integrity/seal.service';
import { AuditEventView, toEventView } from './audit-event.view';

/** A person as they are now, for showing beside how an event named them then. */
export interface PersonNow {
  guid: string;
  display_name: string | null;
  username: string | null;
  email: string | null;
  dn: string | null;
  disabled: boolean;
  deleted: boolean;
}

export function personNow(person: DirectoryPerson): PersonNow {
  return {
    guid: person.guid,
    display_name: person.displayName ?? null,
    username: person.username ?? null,
    email: person.email ?? null,
    dn: person.dn ?? null,
    disabled: person.disabled,
    deleted: person.deleted,
  };
}

export interface EventDetail {
  event: AuditEventView;
  /** How the actor was attributed to a directory person. */
  attribution: {
    status: string;
    logged_as: string | null;
    guid: string | null;
    dn: string | null;
    /** Which of the person's names the logged actor id is (`username`, `email`, `upn`, `dn`, `guid`, `former name`), when resolved. */
    matched_by: string | null;
    /** The person as the directory names them now. */
    person_now: PersonNow | null;
    former_names: string[];
  };
  /** The seal covering the event, or why there is none yet. */
  integrity: { sealed: true; seal: { seq_from: number; seq_to: number; seal: string; sealed_at: string } } | { sealed: false; reason: string };
}

/** One event with everything an investigator asks of it: every field, its attribution, its seal. */
@Injectable()
export class EventDetailService {
  constructor(
    private readonly events: AuditEventReader,
    @Inject(IDENTITY_RESOLVER) private readonly identities: IdentityResolver,
    private readonly mirror: DirectoryMirror,
    private readonly seals: SealService,
  ) {}

  async detail(projectId: string, id: string): Promise<EventDetail> {
    const row = await this.events.byId(projectId, id);
    if (!row) throw new NotFoundException(`no event ${id} in project ${projectId}`);
    const local = row.actorGuid ? this.identities.resolveLocal(row.actorGuid) : undefined;
    const person = local?.status === 'resolved' ? local.person : undefined;
    const seal = await this.seals.sealOf(projectId, row.seq);
    return {
      event: toEventView(row),
      attribution: {
        status: row.identityStatus,
        logged_as: row.actorId,
        guid: row.actorGuid,
        dn: row.actorDn,
        matched_by: person && row.actorId ? this.matchedBy(person, row.actorId) : null,
        person_now: person ? personNow(person) : null,
        former_names: person ? this.mirror.index.search.formerNamesOf(person.guid) : [],
      },
      integrity: seal
        ? { sealed: true, seal: { seq_from: seal.seqFrom, seq_to: seal.seqTo, seal: seal.seal, sealed_at: new Date(seal.sealedAt).toISOString() } }
        : { sealed: false, reason: 'committed after the newest seal: the next sealing pass covers it' },
    };
  }

  private matchedBy(person: DirectoryPerson, actorId: string): string | null {
    const given = actorId.trim().toLowerCase();
    const backslash = given.indexOf('\\');
    const bare = backslash > 0 && !given.includes('=') ? given.slice(backslash + 1) : given;
    if (person.guid === given) return 'guid';
    if (person.username?.toLowerCase() === bare) return backslash > 0 ? 'DOMAIN\\username' : 'username';
    if (person.email?.toLowerCase() === given) return 'email';
    if (person.upn?.toLowerCase() === given) return 'upn';
    if (person.dn && given.includes('=') && dnKey(person.dn) === dnKey(actorId)) return 'dn';
    const key = given.includes('=') ? (dnKey(actorId) ?? given) : bare;
    if (this.mirror.index.search.formerNamesOf(person.guid).includes(key)) return 'former name';
    return null;
  }
}
