import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from './src/config/app-config';
import { dataSourceOptions } from './src/infrastructure/database/data-source-options';

/** The DataSource the TypeORM CLI uses (`npm run migration:run`); it reads DATABASE_URL like the service. */
export default new DataSource(dataSourceOptions(loadConfig().database));
