import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A project's sentence for matching actions, in order (the first that matches and renders wins). */
@Entity('display_templates')
export class DisplayTemplateEntity {
  @PrimaryColumn({ name: 'project_id', type: 'varchar' }) projectId: string;
  @PrimaryColumn({ type: 'integer' }) position: number;
  /** An exact action, or a prefix with a trailing `*`. */
  @Column({ type: 'text' }) action: string;
  @Column({ type: 'text' }) template: string;
}
