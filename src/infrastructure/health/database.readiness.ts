import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ReadinessCheck, ReadinessIndicator, ReadinessResult } from './readiness-check';

@Injectable()
@ReadinessIndicator()
export class DatabaseReadiness implements ReadinessCheck {
  readonly name = 'database';

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async check(): Promise<ReadinessResult> {
    try {
      await this.dataSource.query('SELECT 1');
      return { ok: true, detail: this.dataSource.options.type };
    } catch (error) {
      return { ok: false, detail: (error as Error).message };
    }
  }
}
