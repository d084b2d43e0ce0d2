// The engine the test helpers open databases on: SQLite unless TEST_DB=postgres (the PostgreSQL
// project in vitest.config.ts sets it). Test worlds open their database here and nowhere else.
import type SQLite from 'better-sqlite3';
import { type DB, openDatabase } from '../../db/connection.js';
import type { Engine, EngineKind } from '../../db/engine.js';
import { openPostgresWorld } from './pg-worlds.js';

export const TEST_ENGINE: EngineKind = process.env.TEST_DB === 'postgres' ? 'postgres' : 'sqlite';
export const onPostgres = TEST_ENGINE === 'postgres';

/**
 * A migrated database for a test world. `file`: SQLite's file (default in memory); on
 * PostgreSQL the name stands for a database that keeps its rows for the next world opened with
 * the same name (a restart), while a world without one starts empty.
 */
export async function openTestDatabase(file = ':memory:'): Promise<{ db: DB; engine: Engine; sqlite?: SQLite.Database }> {
  if (onPostgres) return openPostgresWorld(file);
  const { db, engine, sqlite } = await openDatabase(file);
  return { db, engine, sqlite };
}
