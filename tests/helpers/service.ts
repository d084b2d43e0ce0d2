// The whole service (startService) over the test project's engine: SQLite at the config's
// DATABASE_PATH; on PostgreSQL, with TEST_DATABASE_URL a database of its own on that server
// (DATABASE_URL, as in production), else a PGlite world handed to the service. A restart on the
// same DATABASE_PATH finds the same database on every engine.
import pg from 'pg';
import { afterAll, inject } from 'vitest';
import type { Config } from '../../config.js';
import { type DB, openDatabase } from '../../db/connection.js';
import { type RunningService, type StartOptions, startService } from '../../service.js';
import { onPostgres, openTestDatabase } from './engine.js';
import { withDatabase } from './pg-global-setup.js';

const created = new Map<string, string>();

/**
 * A session on the server's maintenance database, never on the template: a session on the
 * template keeps every other test file from copying it ("being accessed by other users").
 */
async function withAdmin<T>(fn: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: withDatabase(inject('pgTemplateUrl'), 'postgres') });
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.end();
  }
}

/** A database on the test server for this DATABASE_PATH: a copy of the migrated template. */
export async function serverDatabaseUrl(file: string): Promise<string> {
  const template = inject('pgTemplateUrl');
  if (!template) throw new Error('a PostgreSQL server database needs TEST_DATABASE_URL');
  const known = created.get(file);
  if (known) return known;
  const name = `library_svc_${process.pid}_${created.size}_${Date.now().toString(36)}`;
  const templateName = new URL(template).pathname.slice(1);
  await withAdmin(async (admin) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE ${name} TEMPLATE ${templateName}`);
        return;
      } catch (e) {
        // Another file copying the template at this moment.
        if ((e as { code?: string }).code !== '55006' || attempt > 50) throw e;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  });
  const url = withDatabase(template, name);
  created.set(file, url);
  return url;
}

/** The config as the engine under test needs it (DATABASE_URL on a PostgreSQL server). */
export async function engineConfig(config: Config): Promise<Config> {
  if (!onPostgres || !inject('pgTemplateUrl')) return config;
  return { ...config, databaseUrl: await serverDatabaseUrl(config.databasePath) };
}

/** Starts the engine's test server ahead of time (PGlite boots once per file), so a test can time the service alone. */
export async function warmTestDatabase(): Promise<void> {
  if (onPostgres && !inject('pgTemplateUrl')) await (await openTestDatabase()).db.destroy();
}

/** The database startTestService opens for this config (to prepare it, or read it afterwards). */
export async function openServiceDatabase(config: Config): Promise<DB> {
  if (onPostgres && inject('pgTemplateUrl')) return (await openDatabase(await engineConfig(config))).db;
  return (await openTestDatabase(config.databasePath)).db;
}

/**
 * startService on the engine under test. The service reaches Telegram in the background; the
 * tests that talk to the bot at once wait for that first attempt, unless `awaitTelegram` is false
 * (tests of the start itself).
 */
export async function startTestService(
  config: Config,
  opts: StartOptions,
  { awaitTelegram = true } = {},
): Promise<RunningService> {
  const service = await startOnEngine(config, opts);
  if (awaitTelegram) await service.telegramStarted;
  return service;
}

async function startOnEngine(config: Config, opts: StartOptions): Promise<RunningService> {
  if (!onPostgres) return startService(config, opts);
  if (inject('pgTemplateUrl')) return startService(await engineConfig(config), opts);
  const database = await openTestDatabase(config.databasePath);
  return startService(config, { ...opts, database }).catch(async (e: unknown) => {
    await database.db.destroy().catch(() => undefined);
    throw e;
  });
}

if (onPostgres) {
  afterAll(async () => {
    if (created.size === 0) return;
    await withAdmin(async (admin) => {
      for (const url of created.values())
        await admin.query(`DROP DATABASE IF EXISTS ${new URL(url).pathname.slice(1)} WITH (FORCE)`).catch(() => undefined);
    });
    created.clear();
  });
}
