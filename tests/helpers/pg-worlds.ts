// PostgreSQL for the test worlds of one test file: one server per file (PGlite, or a throwaway
// database on a real server), and a schema per world that is open at the same time.
//
// Why schemas: PGlite costs about a second and a few hundred MB to start, so a file starts at
// most one; its worlds must still not see each other's rows. A world that closes hands its
// schema back, and the next world gets it emptied with one TRUNCATE … RESTART IDENTITY (tens of
// ms: ids start at 1 again, as in a new SQLite file); only worlds open at the same time need
// another schema, migrated on first use (a few hundred ms). A world opened on a named "file"
// keeps its schema and rows for the next world opened on that name (a restart), until the
// file's directory is gone.
import fs from 'node:fs';
import path from 'node:path';
import { type PostgresPool, type PostgresPoolClient, sql } from 'kysely';
import pg from 'pg';
import { inject } from 'vitest';
import { type DB, migrateToLatest } from '../../db/connection.js';
import type { Engine } from '../../db/engine.js';
import { createPgPool, openLockSession, pgTypes, postgresDatabase } from '../../db/postgres.js';
import type { QueryablePool } from '../../db/rate-limit-store.js';
import { withDatabase } from './pg-global-setup.js';

interface Server {
  pool: pg.Pool;
  description: string;
  /** A real server's URL (advisory locks take a connection of their own); none for PGlite. */
  url?: string;
  close(): Promise<void>;
}

interface Schema {
  name: string;
  /** Worlds using it now. */
  open: number;
  /** The SQLite-style file name it stands for, while it does. */
  file?: string;
  /** Written to since it was last emptied. */
  dirty: boolean;
}

// The search_path each pooled client (session) was last given.
const searchPathOf = new WeakMap<object, string>();

/** A world's view of the shared pool: the world's schema on every checkout. */
class SchemaPool implements PostgresPool, QueryablePool {
  private ended = false;
  constructor(
    private readonly shared: pg.Pool,
    private readonly schema: string,
    private readonly onEnd: () => void = () => undefined,
  ) {}

  async connect(): Promise<PostgresPoolClient & pg.PoolClient> {
    // As pg's own pool: a destroyed database answers nothing (the /health test relies on it).
    if (this.ended) throw new Error('Cannot use a pool after calling end on the pool');
    const client = await this.shared.connect();
    if (searchPathOf.get(client) !== this.schema) {
      try {
        await client.query(`SET search_path TO "${this.schema}"`);
      } catch (e) {
        client.release(e as Error);
        throw e;
      }
      searchPathOf.set(client, this.schema);
    }
    return client as PostgresPoolClient & pg.PoolClient;
  }

  async query(config: { text: string; values?: unknown[]; name?: string }) {
    const client = await this.connect();
    try {
      return await client.query(config);
    } finally {
      client.release();
    }
  }

  async end(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.onEnd();
  }
}

let server: Promise<Server> | undefined;
const schemas: Schema[] = [];
let lock: Promise<unknown> = Promise.resolve();

async function startServer(): Promise<Server> {
  const templateUrl = inject('pgTemplateUrl');
  if (templateUrl) return copyTemplate(templateUrl);
  const dump = inject('pgliteDump');
  if (!dump)
    throw new Error(
      'TEST_DB=postgres needs the PostgreSQL project (vitest --project postgres): its global setup prepares the database',
    );
  const { PGlite } = await import('@electric-sql/pglite');
  const { pglitePool } = await import('../../db/pglite.js');
  const lite = await PGlite.create({ loadDataDir: new Blob([fs.readFileSync(dump)]) });
  const pool = pglitePool(lite);
  return {
    pool,
    description: 'pglite',
    async close() {
      await pool.end();
      await lite.close();
    },
  };
}

/** A real server: this file's own database, a copy of the migrated template, dropped at the end. */
async function copyTemplate(templateUrl: string): Promise<Server> {
  const template = new URL(templateUrl).pathname.slice(1);
  const name = `library_test_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: withDatabase(templateUrl, 'postgres'), types: pgTypes });
  await admin.connect();
  await admin.query('SET search_path TO public');
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
      break;
    } catch (e) {
      // Another file copying the template at this moment: "source database is being accessed".
      if ((e as { code?: string }).code !== '55006' || attempt > 50) throw e;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
  await admin.end();
  const url = withDatabase(templateUrl, name);
  const pool = createPgPool(url, { max: 8 });
  return {
    pool,
    description: url,
    url,
    async close() {
      await pool.end();
      const dropper = new pg.Client({ connectionString: templateUrl });
      await dropper.connect();
      // FORCE: a lock session (db/keyed-locks.ts) a test left open must not keep the copy alive.
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await dropper.end();
    },
  };
}

/** One at a time: two worlds opening together must not take the same free schema. */
function serialized<T>(fn: () => Promise<T>): Promise<T> {
  const run = lock.then(fn, fn);
  lock = run.catch(() => undefined);
  return run;
}

async function emptySchema(s: Schema, pool: pg.Pool): Promise<void> {
  const view = new SchemaPool(pool, s.name);
  const tables = await view.query({
    text: `SELECT tablename FROM pg_tables WHERE schemaname = $1 AND tablename NOT IN ('kysely_migration', 'kysely_migration_lock', 'change_counters')`,
    values: [s.name],
  });
  const names = (tables.rows as { tablename: string }[]).map((r) => `"${s.name}"."${r.tablename}"`);
  if (names.length) await view.query({ text: `TRUNCATE ${names.join(', ')} RESTART IDENTITY CASCADE` });
  s.dirty = false;
}

async function newSchema(pool: pg.Pool): Promise<Schema> {
  // The template (PGlite's dump, the server's template database) comes migrated in public.
  if (schemas.length === 0) {
    const first: Schema = { name: 'public', open: 0, dirty: false };
    schemas.push(first);
    return first;
  }
  const s: Schema = { name: `world_${schemas.length + 1}`, open: 0, dirty: false };
  const view = new SchemaPool(pool, s.name);
  await view.query({ text: `CREATE SCHEMA "${s.name}"` });
  const { db } = postgresDatabase(view, s.name);
  await migrateToLatest(db, { schema: s.name });
  await db.destroy();
  schemas.push(s);
  return s;
}

/** A schema bound to a file whose directory was removed stands for nothing any more. */
function sweep(): void {
  for (const s of schemas) {
    if (s.file !== undefined && s.open === 0 && s.file !== ':memory:' && !fs.existsSync(path.dirname(s.file))) s.file = undefined;
  }
}

/**
 * A database for one world: a fresh empty one, or for a `file` already opened in this test
 * file and not yet removed, that one as it was left.
 */
export function openPostgresWorld(file = ':memory:'): Promise<{ db: DB; engine: Engine }> {
  return serialized(async () => {
    server ??= startServer();
    const { pool, description, url } = await server;
    sweep();
    const named = file === ':memory:' ? undefined : file;
    let s = named === undefined ? undefined : schemas.find((x) => x.file === named);
    if (!s) {
      s = schemas.find((x) => x.open === 0 && x.file === undefined) ?? (await newSchema(pool));
      if (s.dirty) await emptySchema(s, pool);
      s.file = named;
    }
    const schema = s;
    schema.open++;
    schema.dirty = true;
    // Tests end a world with db.destroy(): that also ends the world's lock session, if it opened one.
    let endLocks = () => undefined as unknown;
    const opened = postgresDatabase(
      new SchemaPool(pool, schema.name, () => {
        schema.open--;
        endLocks();
      }),
      `${description} (schema ${schema.name})`,
      undefined,
      {
        lockSession: url ? () => openLockSession(url) : undefined,
      },
    );
    endLocks = () => void opened.engine.keyedLocks().close();
    // Kysely's destroy() is a no-op on a driver that never ran a query: the schema would never
    // come back, and a destroyed world would go on answering.
    await sql`SELECT 1`.execute(opened.db);
    return opened;
  });
}

/** Ends this file's server (the PostgreSQL project's setup file calls it after the file's tests). */
export async function closePostgresWorlds(): Promise<void> {
  const started = server;
  server = undefined;
  schemas.length = 0;
  if (started) await (await started).close();
}
