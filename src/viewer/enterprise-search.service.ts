import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { Repository } from 'typeorm';
import { IDENTITY_RESOLVER, IdentityResolver } from '../identity/resolution/identity-resolver';
import { CLOCK, Clock } from '../infrastructure/clock/clock';
import type { EventFilter } from '../event-store/event-query';
import { EventPage, QueryService } from '../query/query.service';
import type { EnterpriseCaller } from '../tenancy/principal';
import { ActiveSearchEntity, SavedSearchEntity } from './viewer.entities';

export interface SavedSearchBody {
  actions?: string[];
  actor_ids?: string[];
  /** ISO 8601: events that happened from then on (Retraced ignores it). */
  start?: string;
}

/**
 * The enterprise API's searches: ad hoc (keyset pages, oldest first, the next page's key in the
 * ETag) and saved ones followed by active searches, whose single `next` token moves forward with
 * each page. Everything is confined to the token's group.
 */
@Injectable()
export class EnterpriseSearchService {
  constructor(
    private readonly queries: QueryService,
    @Inject(IDENTITY_RESOLVER) private readonly identities: IdentityResolver,
    @InjectRepository(SavedSearchEntity) private readonly saved: Repository<SavedSearchEntity>,
    @InjectRepository(ActiveSearchEntity) private readonly active: Repository<ActiveSearchEntity>,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** One page of an ad hoc search: `actor_id` is any name of the person (every alias matches). */
  async adhoc(caller: EnterpriseCaller, params: { actorId?: string; action?: string; pageSize: number; afterSeq?: number }): Promise<EventPage> {
    const { filter } = await this.queries.interpret({ actor: params.actorId, action: params.action });
    return this.queries.page({
      projectId: caller.projectId,
      filter: this.confined(caller, filter),
      order: 'asc',
      afterSeq: params.afterSeq,
      limit: params.pageSize,
    });
  }

  async save(caller: EnterpriseCaller, name: string, body: SavedSearchBody): Promise<SavedSearchEntity> {
    const entity = this.saved.create({
      id: randomBytes(16).toString('hex'),
      projectId: caller.projectId,
      groupId: caller.groupId,
      name,
      body: JSON.stringify(body),
      createdAt: this.clock.now(),
    });
    await this.saved.insert(entity);
    return entity;
  }

  async activate(caller: EnterpriseCaller, savedSearchId: string): Promise<ActiveSearchEntity> {
    const saved = await this.saved.findOneBy({ id: savedSearchId, projectId: caller.projectId, groupId: caller.groupId });
    if (!saved) throw new NotFoundException(`no saved search ${savedSearchId} in this group`);
    const entity = this.active.create({
      id: randomBytes(16).toString('hex'),
      savedSearchId,
      projectId: caller.projectId,
      groupId: caller.groupId,
      afterSeq: 0,
      nextToken: randomBytes(16).toString('hex'),
      createdAt: this.clock.now(),
    });
    await this.active.insert(entity);
    return entity;
  }

  /**
   * The next page of an active search. `next` must be the token the previous page gave (none for
   * the first page); an old token is refused, as Retraced does, so two readers cannot both follow one search.
   */
  async next(caller: EnterpriseCaller, id: string, next: string | undefined, pageSize: number): Promise<{ events: EventPage['events']; next: string }> {
    const active = await this.active.findOneBy({ id, projectId: caller.projectId, groupId: caller.groupId });
    if (!active || (next !== undefined && next !== active.nextToken) || (next === undefined && active.afterSeq !== 0)) {
      throw new NotFoundException(`no active search ${id} at that point (use the latest next token)`);
    }
    const saved = await this.saved.findOneByOrFail({ id: active.savedSearchId });
    const body = JSON.parse(saved.body) as SavedSearchBody;
    const filter: EventFilter = {};
    if (body.actions?.length) filter.actions = body.actions;
    if (body.actor_ids?.length) {
      const guids: string[] = [];
      for (const actorId of body.actor_ids) {
        const resolution = await this.identities.resolve(actorId, { budgetMs: 2_000 });
        if (resolution.status === 'resolved') guids.push(resolution.person.guid);
      }
      filter.anyActor = { guids, ids: body.actor_ids };
    }
    if (body.start !== undefined) filter.created = { from: Date.parse(body.start) };
    const page = await this.queries.page({
      projectId: caller.projectId,
      filter: this.confined(caller, filter),
      order: 'asc',
      afterSeq: active.afterSeq,
      limit: pageSize,
    });
    const last = page.events[page.events.length - 1];
    const nextToken = randomBytes(16).toString('hex');
    await this.active.update({ id }, { afterSeq: last ? last.seq : active.afterSeq, nextToken });
    return { events: page.events, next: nextToken };
  }

  async deactivate(caller: EnterpriseCaller, id: string): Promise<void> {
    const result = await this.active.delete({ id, projectId: caller.projectId, groupId: caller.groupId });
    if (!result.affected) throw new NotFoundException(`no active search ${id}`);
  }

  private confined(caller: EnterpriseCaller, filter: EventFilter): EventFilter {
    return { ...filter, groupId: caller.groupId, reads: 'exclude', admin: 'exclude' };
  }
}
