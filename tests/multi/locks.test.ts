// The per-chat lock across instances on a PostgreSQL server (db/keyed-locks.ts: session advisory
// locks on a dedicated connection per instance).

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenedDatabase, openDatabase } from '../../db/connection.js';
import { serverDatabaseUrl } from '../helpers/service.js';

let a: OpenedDatabase;
let b: OpenedDatabase;
beforeAll(async () => {
  const url = await serverDatabaseUrl('multi-locks');
  a = await openDatabase({ databasePath: '', databaseUrl: url });
  b = await openDatabase({ databasePath: '', databaseUrl: url });
});
afterAll(async () => {
  await a?.engine.close();
  await b?.engine.close();
});
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Keyed locks across instances', () => {
  it('a key held by one instance keeps the other waiting until it is released', async () => {
    const events: string[] = [];
    let release!: () => void;
    const held = a.engine.keyedLocks().run('chat:1', async () => {
      events.push('a+');
      await new Promise<void>((r) => (release = r));
      events.push('a-');
    });
    await pause(50);
    const waiting = b.engine.keyedLocks().run('chat:1', async () => void events.push('b+'));
    const elsewhere = b.engine.keyedLocks().run('chat:2', async () => void events.push('other'));
    await elsewhere;
    await pause(100);
    expect(events).toEqual(['a+', 'other']);
    release();
    await Promise.all([held, waiting]);
    expect(events).toEqual(['a+', 'other', 'a-', 'b+']);
  });

  it('an instance whose connection dies frees its keys at once (no lease to wait out)', async () => {
    let entered = false;
    let unstick!: () => void;
    const stuck = a.engine.keyedLocks().run('chat:3', async () => {
      entered = true;
      await new Promise<void>((r) => (unstick = r)); // an instance that hangs, then is gone
    });
    while (!entered) await pause(10);
    // Kill a's lock session from the server side, as a crash or a network cut would.
    await sql`SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()`.execute(
      b.db,
    );
    const t0 = Date.now();
    await b.engine.keyedLocks().run('chat:3', async () => undefined);
    expect(Date.now() - t0).toBeLessThan(2_000);
    unstick();
    await stuck;
  });
});
