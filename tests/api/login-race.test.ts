// A login racing a password change never yields a token that outlives the change: the token's
// epoch comes from the same row read that checked the password. (Before, the epoch was read
// again after the password check, in another query, and a login that had checked the old
// password could carry the epoch the change had just moved to.)
//
// The race is made to happen every time: libuv's thread pool, where scrypt runs, is held busy
// (threads blocked opening a FIFO nobody writes to yet), so each login reads the account's row
// and then waits in its password check; the password change commits meanwhile; then the pool
// is let go and the logins finish.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../core/accounts/users.js';
import { type ApiWorld, createApiWorld, PASSWORD } from '../helpers/api.js';

let w: ApiWorld;
let dir: string;
beforeAll(async () => {
  // Throttling off: 30 logins at once from one client would be refused otherwise.
  w = await createApiWorld();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'library-race-'));
});
afterAll(async () => {
  await w?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const NEW_PASSWORD = 'the password after';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Occupies every thread of libuv's pool until release() (an open() of a FIFO waits for a writer). */
function holdThreadPool(): { release(): Promise<void> } {
  const fifo = path.join(dir, `hold-${Date.now()}`);
  execFileSync('mkfifo', [fifo]);
  const threads = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
  const readers = Array.from({ length: threads }, () => fs.promises.open(fifo, 'r'));
  return {
    async release() {
      // One writer wakes every reader waiting on the FIFO.
      const writer = fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
      for (const h of await Promise.all(readers)) await h.close();
      fs.closeSync(writer);
    },
  };
}

describe('Logins racing a password change', () => {
  it('every token issued for the old password is refused once the change has committed; the new password logs in', async () => {
    const u = await w.user();
    const newHash = await hashPassword(NEW_PASSWORD);

    const pool = holdThreadPool();
    let answers;
    try {
      const logins = Array.from({ length: 30 }, () =>
        w.req('POST', '/api/users/token/', { body: { email: u.email, password: PASSWORD } }),
      );
      await sleep(300); // each login has read the row and waits for scrypt
      // The password change commits (what PATCH /api/users/me/ writes).
      await w.db
        .updateTable('users')
        .set({ password_hash: newHash, token_epoch: sql<number>`token_epoch + 1` })
        .where('id', '=', u.id)
        .execute();
      await pool.release();
      answers = await Promise.all(logins);
    } finally {
      await pool.release().catch(() => undefined);
    }

    // These logins checked the old password, read before the change committed.
    const issued = answers.filter((a) => a.status === 200).map((a) => a.body as { access: string; refresh: string });
    expect(issued.length).toBe(30);
    const survivors: number[] = [];
    for (const [i, t] of issued.entries()) {
      const me = await w.req('GET', '/api/users/me/', { token: t.access });
      const refreshed = await w.req('POST', '/api/users/token/refresh/', { body: { refresh: t.refresh } });
      if (me.status !== 401 || refreshed.status !== 401) survivors.push(i);
    }
    expect(survivors, `${survivors.length} of ${issued.length} logins with the old password kept a live session`).toEqual([]);

    const after = await w.req('POST', '/api/users/token/', { body: { email: u.email, password: NEW_PASSWORD } });
    expect(after.status).toBe(200);
    expect((await w.req('GET', '/api/users/me/', { token: after.body.access })).status).toBe(200);
  });

  it('through the API as well: logins every few milliseconds while PATCH changes the password; none outlives it', async () => {
    const u = await w.user();
    const change = w.req('PATCH', '/api/users/me/', {
      token: u.access,
      body: { password: NEW_PASSWORD, current_password: PASSWORD },
    });
    const logins = Array.from({ length: 20 }, (_, i) =>
      sleep(i * 8).then(() => w.req('POST', '/api/users/token/', { body: { email: u.email, password: PASSWORD } })),
    );
    const answers = await Promise.all(logins);
    expect((await change).status).toBe(200);
    for (const a of answers.filter((x) => x.status === 200)) {
      expect((await w.req('GET', '/api/users/me/', { token: a.body.access })).status).toBe(401);
      expect((await w.req('POST', '/api/users/token/refresh/', { body: { refresh: a.body.refresh } })).status).toBe(401);
    }
  });
});
