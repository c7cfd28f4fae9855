import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { Repository } from 'typeorm';
import { CLOCK, Clock } from '../infrastructure/clock/clock';
import { ProjectEntity } from './project.entity';

@Injectable()
export class ProjectService {
  constructor(
    @InjectRepository(ProjectEntity) private readonly projects: Repository<ProjectEntity>,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** A new project with a random 32-hex-digit id (the Retraced shape). */
  async create(name: string): Promise<ProjectEntity> {
    const project = this.projects.create({ id: randomBytes(16).toString('hex'), name, lastSeq: 0, createdAt: this.clock.now() });
    return this.projects.save(project);
  }

  /** Takes back a project just created (its creation could not be recorded); it holds nothing yet. */
  async remove(id: string): Promise<void> {
    await this.projects.delete({ id });
  }

  list(): Promise<ProjectEntity[]> {
    return this.projects.find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  async get(id: string): Promise<ProjectEntity> {
    const project = await this.projects.findOne({ where: { id } });
    if (!project) throw new NotFoundException(`project ${id} does not exist`);
    return project;
  }
}
