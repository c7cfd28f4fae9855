import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { Repository } from 'typeorm';
import { CLOCK, Clock } from '../infrastructure/clock/clock';
import type { ViewerCaller } from '../tenancy/principal';
import { ViewerExportEntity } from './viewer.entities';
import type { ExportBodyDto } from './viewer.dto';

/** Most exports a group keeps listed (the newest). */
const LISTED_EXPORTS = 100;

/** Exports viewers saved, per project and group. */
@Injectable()
export class ViewerExportService {
  constructor(
    @InjectRepository(ViewerExportEntity) private readonly exports: Repository<ViewerExportEntity>,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async create(viewer: ViewerCaller, name: string, body: ExportBodyDto): Promise<ViewerExportEntity> {
    const entity = this.exports.create({
      id: randomBytes(16).toString('hex'),
      projectId: viewer.projectId,
      groupId: viewer.groupId,
      name,
      body: JSON.stringify(body),
      actorId: viewer.actorId,
      createdAt: this.clock.now(),
    });
    await this.exports.insert(entity);
    return entity;
  }

  list(projectId: string, groupId: string): Promise<ViewerExportEntity[]> {
    return this.exports.find({ where: { projectId, groupId }, order: { createdAt: 'DESC', id: 'ASC' }, take: LISTED_EXPORTS });
  }

  get(projectId: string, groupId: string, id: string): Promise<ViewerExportEntity | null> {
    return this.exports.findOneBy({ id, projectId, groupId });
  }
}
