// A test world: a real database (SQLite in memory or a temp file; PostgreSQL in the postgres
// project, tests/helpers/engine.ts), a ManualClock, the real stripe
// client against the local fake Stripe, and the core over them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Config, testConfig } from '../../config.js';
import { type Core, createCore, SYSTEM_ACTOR } from '../../core/index.js';
import { ManualClock } from '../../core/kernel/clock.js';
import { DomainError } from '../../core/kernel/errors.js';
import type { DB } from '../../db/connection.js';
import { createStripeGateway } from '../../gateways/stripe.js';
import { silentLogger } from '../../logger.js';
import { type StartedFakeStripe, startFakeStripe } from '../fakes/stripe.js';
import { openTestDatabase } from './engine.js';

export interface World {
  db: DB;
  core: Core;
  /** What the core was built from (another core over the same world: tests/core/rules.test.ts). */
  coreDeps: Parameters<typeof createCore>[0];
  clock: ManualClock;
  config: Config;
  stripe: StartedFakeStripe;
  file: string;
  close(): Promise<void>;
}

export function tempDbFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'library-test-'));
  return path.join(dir, 'library.db');
}

export async function createWorld(opts: { file?: string; env?: Record<string, string>; start?: string } = {}): Promise<World> {
  const file = opts.file ?? ':memory:';
  const clock = new ManualClock(opts.start ?? '2026-03-10T10:00:00Z');
  const stripe = await startFakeStripe({ webhookSecret: 'whsec_test_secret', now: () => clock.now().getTime() });
  const config = testConfig({ DATABASE_PATH: file, PUBLIC_URL: 'http://library.test', ...opts.env });
  const { db } = await openTestDatabase(file);
  const gateway = createStripeGateway({
    secretKey: 'sk_test_world',
    webhookSecret: 'whsec_test_secret',
    apiBase: stripe.apiBase,
    timeoutMs: 2000,
    maxNetworkRetries: 0,
  });
  const coreDeps = { db, clock, config, gateway, logger: silentLogger() };
  const core = createCore(coreDeps);
  databaseOf.set(core, db);
  return {
    db,
    core,
    coreDeps,
    clock,
    config,
    stripe,
    file,
    async close() {
      await db.destroy();
      await stripe.close();
    },
  };
}

/** Each world's core and its database, for helpers given only the core. */
const databaseOf = new WeakMap<Core, DB>();

let seq = 0;
/** A reader account (REST-registered) and its actor; with `telegramId` linked as by the bot (a world's core). */
export async function makeReader(core: Core, over: { telegramId?: number } = {}) {
  seq++;
  const user = await core.users.register({
    email: `reader${seq}-${Date.now()}@example.test`,
    password: 'correct horse',
    first_name: 'Read',
    last_name: `Er${seq}`,
  });
  if (over.telegramId !== undefined) {
    const db = databaseOf.get(core);
    if (!db) throw new Error('makeReader: a Telegram id needs a core made by createWorld');
    await db.updateTable('users').set({ telegram_user_id: over.telegramId }).where('id', '=', user.id).execute();
  }
  return { user, actor: { userId: user.id, isStaff: false } };
}

export async function makeStaff(core: Core) {
  seq++;
  const { user } = await core.users.createOrPromoteStaff(
    SYSTEM_ACTOR,
    `staff${seq}-${Date.now()}@example.test`,
    'staff password',
  );
  return { user, actor: { userId: user.id, isStaff: true } };
}

export async function makeBook(
  core: Core,
  over: Partial<{
    title: string;
    author: string;
    isbn: string | null;
    inventory: number;
    daily_fee: string | number;
    cover: 'HARD' | 'SOFT';
  }> = {},
) {
  return core.books.create(SYSTEM_ACTOR, {
    title: 'Test Book',
    author: 'Test Author',
    cover: 'SOFT',
    inventory: 3,
    daily_fee: '1.00',
    ...over,
  });
}

/** What a core call ends with: 'OK', the DomainError's code, or THROWN:<message> for anything else. */
export async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'OK';
  } catch (e) {
    return e instanceof DomainError ? e.code : `THROWN:${(e as Error).message}`;
  }
}
