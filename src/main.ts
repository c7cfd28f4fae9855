import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { setFlagsFromString } from 'node:v8';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { ConfigError, loadConfig } from './config/app-config';
import { closeListener, configureApp, fastifyOptions } from './infrastructure/http/http-server';
import { JsonLogger } from './infrastructure/logging/json-logger';

/** How long a shutdown may take to drain in-flight writes before the process gives up. */
const SHUTDOWN_DEADLINE_MS = 30_000;

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  // Ingestion keeps many short-lived objects (events waiting a few ms for their batch) alive across
  // young-generation collections; with V8's default growing factor (up to 4×) the old generation
  // then swells far past what is live before a full collection. Set before the heap grows.
  if (config.heapGrowingPercent > 0) setFlagsFromString(`--heap-growing-percent=${config.heapGrowingPercent}`);
  const logger = new JsonLogger(config.logLevel);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), new FastifyAdapter(fastifyOptions(config)), {
    logger,
    abortOnError: false,
    // configureApp installs the JSON parser, so parse errors get the service's error shape.
    bodyParser: false,
  });
  configureApp(app, logger);
  await app.listen(config.port, config.host);
  logger.log({ msg: 'listening', url: await app.getUrl(), database: config.database.type }, 'Main');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log({ msg: 'shutting down: no new requests, draining accepted events', signal }, 'Main');
    setTimeout(() => {
      logger.error({ msg: 'shutdown deadline passed; exiting' }, undefined, 'Main');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    // Close the listener first so in-flight requests finish against a live writer and database.
    await closeListener(app);
    logger.log({ msg: 'listener closed, in-flight requests answered' }, 'Main');
    await app.close();
    logger.log({ msg: 'stopped' }, 'Main');
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

bootstrap().catch((error: unknown) => {
  // One line that names the cause; configuration errors name the variable.
  const message = error instanceof ConfigError ? error.message : `start-up failed: ${error instanceof Error ? error.message : String(error)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
