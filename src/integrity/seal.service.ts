import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import type { Counter } from 'prom-client';
import { CLOCK, Clock } from '../infrastructure/clock/clock';
import { MetricsRegistry } from '../infrastructure/metrics/metrics.registry';
import { PeriodicTask } from '../infrastructure/scheduling/periodic-task';
import { AuditSealEntity } from './audit-seal.entity';
import { CURRENT_SEAL_FORMAT, GENESIS, SEAL_FORMATS, sealHash } from '../event-store/seal-format';
import { SEAL_SOURCE, SealSource } from '../event-store/seal-source';

/** Most events one seal covers. */
const SEAL_SIZE = 5_000;

/** Problems listed in one report; the count goes on. */
const MAX_PROBLEMS = 20;

export interface IntegrityProblem {
  seq_from: number;
  seq_to: number;
  problem: string;
}

export interface IntegrityReport {
  project_id: string;
  ok: boolean;
  /** Events covered by seals, all checked. */
  sealed_events: number;
  seals: number;
  sealed_through_seq: number;
  /** Events stored after the last seal (sealed at the next pass). */
  unsealed_events: number;
  /** The newest seal: record it elsewhere to notice a later rewrite of the whole chain. */
  head: string | null;
  problems: IntegrityProblem[];
  problem_count: number;
}

/**
 * Tamper evidence without touching the write path: events of a project are committed in sequence
 * order (the project row lock orders commits), so the committed events always form a prefix 1..n;
 * every INTEGRITY_SEAL_INTERVAL_S this seals what was committed since the last seal — the digest
 * of the events in order, chained to the previous seal. `verify` recomputes the chain from the rows.
 */
@Injectable()
export class SealService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Integrity');
  /** The sealing pass over every project: on a timer, on request, one at a time. */
  private readonly passes = new PeriodicTask<number>(
    () => this.sealPass(),
    (error) => this.logger.warn({ msg: 'sealing failed; retried at the next pass', error: error.message }),
  );
  /** The newest seal seen per project, so a pass asks the database only about projects with new events. */
  private readonly heads = new Map<string, AuditSealEntity>();
  private readonly sealedEvents: Counter;
  /** A hole met while sealing is evidence of tampering (or loss): alert on any increase. */
  private readonly holes: Counter<'project'>;

  constructor(
    @InjectRepository(AuditSealEntity) private readonly seals: Repository<AuditSealEntity>,
    @Inject(SEAL_SOURCE) private readonly source: SealSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    registry: MetricsRegistry,
  ) {
    this.sealedEvents = registry.counter({ name: 'audit_sealed_events_total', help: 'Events covered by new seals' });
    this.holes = registry.counter({
      name: 'audit_seal_holes_total',
      help: 'Sealing passes that found an event missing before it could be sealed, by project',
      labelNames: ['project'],
    });
  }

  onApplicationBootstrap(): void {
    this.passes.start(this.config.integritySealIntervalMs);
  }

  onApplicationShutdown(): Promise<void> {
    return this.passes.stop();
  }

  /** Seals every project's events committed since its last seal; the number of events sealed. */
  sealAll(): Promise<number> {
    return this.passes.run();
  }

  /** Seals one project's events committed since its last seal (after any pass already running). */
  async sealProject(projectId: string): Promise<number> {
    await this.passes.settled();
    return this.sealPass(projectId);
  }

  private async sealPass(only?: string): Promise<number> {
    const projects = await this.source.lastSequences(only);
    let sealed = 0;
    for (const { projectId, lastSeq } of projects) {
      if ((this.heads.get(projectId)?.seqTo ?? 0) >= lastSeq) continue;
      // Read back, not cached: another replica may have sealed meanwhile.
      let head = await this.head(projectId);
      const before = head;
      while ((head?.seqTo ?? 0) < lastSeq) {
        const next = await this.sealNext(projectId, head, lastSeq);
        if (!next) break;
        sealed += next.seqTo - next.seqFrom + 1;
        this.sealedEvents.inc(next.seqTo - next.seqFrom + 1);
        head = next;
      }
      // The head in the logs, shipped elsewhere, is the anchor that makes rewriting the whole
      // chain from some point on detectable too.
      if (head && head !== before) this.logger.log({ msg: 'sealed', project_id: projectId, sealed_through_seq: head.seqTo, head: head.seal });
      if (head) this.heads.set(projectId, head);
    }
    return sealed;
  }

  private head(projectId: string): Promise<AuditSealEntity | null> {
    return this.seals.findOne({ where: { projectId }, order: { seqTo: 'DESC' } });
  }

  private async sealNext(projectId: string, head: AuditSealEntity | null, lastSeq: number): Promise<AuditSealEntity | null> {
    const from = (head?.seqTo ?? 0) + 1;
    let to = Math.min(lastSeq, from + SEAL_SIZE - 1);
    const format = CURRENT_SEAL_FORMAT;
    let range = await this.source.rangeDigest(format, projectId, from, to);
    if (range.count !== to - from + 1) {
      // Committed events form a prefix 1..last_seq: a hole means a row went missing before it was
      // sealed. Seal up to it, never across it.
      const seqs = await this.source.sequences(projectId, from, to);
      let run = 0;
      while (run < seqs.length && seqs[run] === from + run) run += 1;
      this.logger.error({ msg: 'event missing before it could be sealed; sealing of this project stops there', project_id: projectId, seq: from + run });
      this.holes.inc({ project: projectId });
      if (run === 0) return null;
      to = from + run - 1;
      range = await this.source.rangeDigest(format, projectId, from, to);
    }
    const seal = new AuditSealEntity();
    seal.projectId = projectId;
    seal.seqFrom = from;
    seal.seqTo = to;
    seal.eventsDigest = range.digest;
    seal.previousSeal = head?.seal ?? GENESIS;
    seal.seal = sealHash(seal.previousSeal, projectId, seal.seqFrom, seal.seqTo, seal.eventsDigest);
    seal.sealedAt = this.clock.now();
    seal.format = format.version;
    try {
      await this.seals.insert(seal);
    } catch (error) {
      // Another replica sealed from the same point first: its seal is the chain's.
      this.logger.debug({ msg: 'seal taken by another sealer', project_id: projectId, seq_from: from, error: (error as Error).message });
      return null;
    }
    return seal;
  }

  /** The seal that covers an event, or null while the event waits for the next sealing pass. */
  async sealOf(projectId: string, seq: number): Promise<AuditSealEntity | null> {
    const seal = await this.seals
      .createQueryBuilder('s')
      .where('s.project_id = :projectId AND s.seq_to >= :seq', { projectId, seq })
      .orderBy('s.seq_to', 'ASC')
      .limit(1)
      .getOne();
    return seal && seal.seqFrom <= seq ? seal : null;
  }

  /** Recomputes a project's whole chain from the stored rows and says what does not match. */
  async verify(projectId: string): Promise<IntegrityReport> {
    const report: IntegrityReport = {
      project_id: projectId,
      ok: true,
      sealed_events: 0,
      seals: 0,
      sealed_through_seq: 0,
      unsealed_events: 0,
      head: null,
      problems: [],
      problem_count: 0,
    };
    const problem = (seqFrom: number, seqTo: number, text: string) => {
      report.ok = false;
      report.problem_count += 1;
      if (report.problems.length < MAX_PROBLEMS) report.problems.push({ seq_from: seqFrom, seq_to: seqTo, problem: text });
    };
    let previous = GENESIS;
    let expectedFrom = 1;
    for (let after = 0; ;) {
      const page = await this.seals
        .createQueryBuilder('s')
        .where('s.project_id = :projectId AND s.seq_to > :after', { projectId, after })
        .orderBy('s.seq_to', 'ASC')
        .limit(500)
        .getMany();
      if (page.length === 0) break;
      for (const seal of page) {
        report.seals += 1;
        if (seal.seqFrom !== expectedFrom) problem(seal.seqFrom, seal.seqTo, `seal does not follow the previous one (expected it to start at ${expectedFrom})`);
        if (seal.previousSeal !== previous) problem(seal.seqFrom, seal.seqTo, 'seal is not chained to the previous seal');
        if (sealHash(seal.previousSeal, projectId, seal.seqFrom, seal.seqTo, seal.eventsDigest) !== seal.seal)
          problem(seal.seqFrom, seal.seqTo, 'seal was altered');
        const format = SEAL_FORMATS[seal.format];
        const range = format ? await this.source.rangeDigest(format, projectId, seal.seqFrom, seal.seqTo) : { count: 0, digest: '' };
        const expected = seal.seqTo - seal.seqFrom + 1;
        if (!format) {
          problem(seal.seqFrom, seal.seqTo, `seal format ${seal.format} is unknown to this version of the service`);
        } else if (range.count !== expected) {
          problem(seal.seqFrom, seal.seqTo, `${expected - range.count} sealed event(s) missing`);
        } else if (range.digest !== seal.eventsDigest) {
          problem(seal.seqFrom, seal.seqTo, 'sealed event(s) changed');
        }
        report.sealed_events += range.count;
        previous = seal.seal;
        expectedFrom = seal.seqTo + 1;
        after = seal.seqTo;
      }
    }
    report.head = report.seals > 0 ? previous : null;
    report.sealed_through_seq = expectedFrom - 1;
    report.unsealed_events = await this.source.countAfter(projectId, report.sealed_through_seq);
    return report;
  }
}
