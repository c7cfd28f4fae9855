import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ConfigError, DatabaseConfig } from '../../config/app-config';
import { dataSourceOptions } from './data-source-options';

/** Opens the database named by DATABASE_URL and applies pending migrations before anything serves. */
@Module({})
export class DatabaseModule {
  static forRoot(database: DatabaseConfig): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          // Entities of newer modules are registered by the modules that own them (forFeature).
          useFactory: () => ({ ...dataSourceOptions(database), migrationsRun: true, retryAttempts: 0, autoLoadEntities: true }),
          dataSourceFactory: async (options) => {
            try {
              return await new DataSource(options!).initialize();
            } catch (error) {
              throw new ConfigError('DATABASE_URL', `cannot open the ${database.type} database (${describe(error, database)})`);
            }
          },
        }),
      ],
    };
  }
}

function describe(error: unknown, database: DatabaseConfig): string {
  const e = error as { code?: string; message?: string; errors?: { message: string }[] };
  const message = e.errors?.map((inner) => inner.message).join(', ') || e.message || String(error);
  // Never echo the URL itself: it may carry a password.
  return [e.code, message.replace(database.url, '<DATABASE_URL>')].filter(Boolean).join(': ');
}
