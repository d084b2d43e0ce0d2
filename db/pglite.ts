// PGlite — PostgreSQL compiled to WebAssembly, in this process — for `npm test` without a
// server (SPEC §12). Imported by tests only: @electric-sql/pglite is a dev dependency.
//
// Not through kysely-pglite 0.6.1: its driver hands every Kysely connection the one PGlite
// session, so two transactions interleave (one's COMMIT commits the other's half-done writes,
// whose ROLLBACK then undoes nothing), and it returns PGlite's `affectedRows` where Kysely reads
// `numAffectedRows`, so every UPDATE reports 0 rows (core's `numUpdatedRows !== 1` checks fail).
// Instead PGlite's own node-postgres adapter feeds a real `pg.Pool` of one connection under
// Kysely's PostgresDialect: the pool is the mutex (a transaction holds the only connection until
// it ends, like SQLite's single connection), row counts are pg's, and the driver, the type
// parsers and the error objects (SQLSTATE in `code`) are the very ones production runs on.

import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import pg from 'pg';
import { type PostgresDatabase, pgTypes, postgresDatabase } from './postgres.js';

/** Starts PGlite (in memory, or in `dataDir`): a few seconds and a few hundred MB. */
export function startPglite(dataDir?: string): Promise<PGlite> {
  return PGlite.create(dataDir ? { dataDir } : {});
}

/**
 * A pg Pool over PGlite's single session: at most one client, kept for good (PGlite's
 * session outlives pg clients anyway, so recycling one would only cost).
 */
export function pglitePool(lite: PGlite): pg.Pool {
  return new pg.Pool({ ...createPgConfig(lite), types: pgTypes, max: 1, idleTimeoutMillis: 0 });
}

/** A database on its own PGlite, closed with it (migrate it with migrateToLatest). */
export async function openPglite(dataDir?: string): Promise<PostgresDatabase & { lite: PGlite }> {
  const lite = await startPglite(dataDir);
  const pool = pglitePool(lite);
  const opened = postgresDatabase(pool, dataDir ? `pglite:${dataDir}` : 'pglite:memory', () => lite.close());
  return { ...opened, lite };
}
