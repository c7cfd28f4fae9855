import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DisplayTemplateEntity } from './display-template.entity';
import type { DisplayTemplate } from './display-templates';

const CACHE_MS = 5_000;

/** A project's display templates, in order; read once per few seconds per project. */
@Injectable()
export class DisplayTemplateService {
  private readonly cache = new Map<string, { templates: DisplayTemplate[]; until: number }>();

  constructor(@InjectRepository(DisplayTemplateEntity) private readonly templates: Repository<DisplayTemplateEntity>) {}

  async of(projectId: string): Promise<DisplayTemplate[]> {
    const cached = this.cache.get(projectId);
    if (cached && cached.until > Date.now()) return cached.templates;
    const rows = await this.templates.find({ where: { projectId }, order: { position: 'ASC' } });
    const templates = rows.map(({ action, template }) => ({ action, template }));
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(projectId, { templates, until: Date.now() + CACHE_MS });
    return templates;
  }

  /** Replaces the project's templates, atomically. */
  async replace(projectId: string, templates: DisplayTemplate[]): Promise<void> {
    await this.templates.manager.transaction(async (manager) => {
      await manager.delete(DisplayTemplateEntity, { projectId });
      if (templates.length > 0)
        await manager.insert(
          DisplayTemplateEntity,
          templates.map((t, position) => ({ projectId, position, ...t })),
        );
    });
    this.cache.delete(projectId);
  }
}
