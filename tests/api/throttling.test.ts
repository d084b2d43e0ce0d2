// Throttling (SPEC §10) against the real service over real sockets: clients come from distinct
// loopback source addresses (Linux accepts any 127.x.y.z), so the limits see what they would
// see in production — the socket's peer, or behind a proxy the X-Forwarded-For entry.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeAddress, slowDownSeconds } from '../../api/rate-limit.js';
import { loadConfig } from '../../config.js';
import { SYSTEM_ACTOR } from '../../core/index.js';
import { silentLogger } from '../../logger.js';
import type { RunningService } from '../../service.js';
import { type ApiWorld, createApiWorld, PASSWORD as WORLD_PASSWORD } from '../helpers/api.js';
import { startTestService } from '../helpers/service.js';

interface Answer {
  status: number;
  retryAfter: string | undefined;
  body: any;
}

const PASSWORD = 'the right password';
const WRONG = 'not the password';
const services: RunningService[] = [];
const dirs: string[] = [];

async function service(env: Record<string, string> = {}): Promise<RunningService> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'library-throttle-'));
  dirs.push(dir);
  const s = await startTestService(
    loadConfig({
      DATABASE_PATH: path.join(dir, 'library.db'),
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      SANDBOX: 'off',
      ...env,
    }),
    { logger: silentLogger(), startJobs: false },
  );
  services.push(s);
  return s;
}

afterAll(async () => {
  for (const s of services) await s.stop();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** A JSON POST from a chosen source address, on a fresh connection. */
function post(
  base: RunningService | string,
  p: string,
  body: unknown,
  from: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const url = new URL(p, typeof base === 'string' ? base : base.localUrl);
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        localAddress: from,
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: res.headers['retry-after'] as string | undefined,
            body: text ? JSON.parse(text) : undefined,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

let n = 0;
const stranger = () => `nobody${++n}@example.test`;
const login = (s: RunningService, email: string, password: string, from: string, headers?: Record<string, string>) =>
  post(s, '/api/users/token/', { email, password }, from, headers);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function expectLimited(a: Answer, maxSeconds: number) {
  expect(a.status).toBe(429);
  expect(a.body.error.code).toBe('RATE_LIMITED');
  const seconds = a.body.error.details.retry_after;
  expect(Number.isInteger(seconds)).toBe(true);
  expect(seconds).toBeGreaterThanOrEqual(1);
  expect(seconds).toBeLessThanOrEqual(maxSeconds);
  expect(a.retryAfter).toBe(String(seconds));
}

describe('Throttling tells clients apart by the address of their socket', () => {
  let s: RunningService;
  beforeAll(async () => {
    s = await service();
    await s.core.users.register({ email: 'reader@example.test', password: PASSWORD, first_name: 'R', last_name: 'One' });
  });

  it('one address sending bad logins is refused after a burst of 30 a minute; another address still logs in', async () => {
    for (let i = 0; i < 30; i++) expect((await login(s, stranger(), WRONG, '127.0.0.2')).status).toBe(401);
    expectLimited(await login(s, stranger(), WRONG, '127.0.0.2'), 60);
    // Even the right password waits at that address…
    expect((await login(s, 'reader@example.test', PASSWORD, '127.0.0.2')).status).toBe(429);
    // …while a reader elsewhere is not locked out by it.
    const elsewhere = await login(s, 'reader@example.test', PASSWORD, '127.0.0.3');
    expect(elsewhere.status).toBe(200);
    expect(typeof elsewhere.body.access).toBe('string');
  });

  it('does not believe X-Forwarded-For without TRUST_PROXY', async () => {
    expect((await login(s, stranger(), WRONG, '127.0.0.2', { 'x-forwarded-for': '198.51.100.7' })).status).toBe(429);
  });

  it('lets a class of 30 register from one address, then asks the 31st to wait; other addresses register', async () => {
    const body = () => ({ email: stranger(), password: 'long enough pw', first_name: 'Pupil', last_name: 'X' });
    for (let i = 0; i < 30; i++) expect((await post(s, '/api/users/', body(), '127.0.0.4')).status).toBe(201);
    expectLimited(await post(s, '/api/users/', body(), '127.0.0.4'), 60);
    expect((await post(s, '/api/users/', body(), '127.0.0.5')).status).toBe(201);
  });
});

describe('Failed logins never lock the owner out', () => {
  let s: RunningService;
  beforeAll(async () => {
    s = await service();
    for (const email of [
      'victim@example.test',
      'owner@example.test',
      'bystander@example.test',
      'pair@example.test',
      'staff@example.test',
      'crowd@example.test',
      'month@example.test',
    ]) {
      await s.core.users.register({ email, password: PASSWORD, first_name: 'A', last_name: 'B' });
    }
  });
  it("after 10 failures within 15 minutes an address that never logged in waits before each try (429, retry_after doubling from 1 s); the owner's address logs in at once", async () => {
    // The owner logged in from home before.
    expect((await login(s, 'victim@example.test', PASSWORD, '127.0.1.100')).status).toBe(200);
    for (let i = 1; i <= 10; i++) expect((await login(s, 'victim@example.test', WRONG, `127.0.1.${i}`)).status).toBe(401);
    // Someone new must wait a second…
    const first = await login(s, 'victim@example.test', WRONG, '127.0.1.11');
    expectLimited(first, 1);
    expect(first.body.error.details.retry_after).toBe(1);
    // …while the owner, from an address that logged in to this account, is not slowed at all.
    expect((await login(s, 'Victim@Example.test', PASSWORD, '127.0.1.100')).status).toBe(200);
    // Each further failure doubles the wait, for every new address.
    await sleep(1100);
    expect((await login(s, 'victim@example.test', WRONG, '127.0.1.12')).status).toBe(401);
    const second = await login(s, 'victim@example.test', WRONG, '127.0.1.13');
    expectLimited(second, 2);
    expect(second.body.error.details.retry_after).toBe(2);
    await sleep(2100);
    expect((await login(s, 'victim@example.test', WRONG, '127.0.1.14')).status).toBe(401);
    expect((await login(s, 'victim@example.test', WRONG, '127.0.1.15')).body.error.details.retry_after).toBe(4);
    // The owner still logs in from home, and other accounts are not affected at all.
    expect((await login(s, 'victim@example.test', PASSWORD, '127.0.1.100')).status).toBe(200);
    expect((await login(s, 'bystander@example.test', PASSWORD, '127.0.1.10')).status).toBe(200);
  });

  it('a staff account (whose email may be public) is not locked out either', async () => {
    await s.core.users.createOrPromoteStaff(SYSTEM_ACTOR, 'staff@example.test', PASSWORD, { promote: true });
    expect((await login(s, 'staff@example.test', PASSWORD, '127.0.5.100')).status).toBe(200);
    for (let i = 1; i <= 12; i++) await login(s, 'staff@example.test', WRONG, `127.0.5.${i}`);
    expect((await login(s, 'staff@example.test', WRONG, '127.0.5.50')).status).toBe(429);
    expect((await login(s, 'staff@example.test', PASSWORD, '127.0.5.100')).status).toBe(200);
  });

  it("a pair (account, address) with 10 failures is refused for 15 minutes, even the right password; the account's other addresses are not", async () => {
    expect((await login(s, 'pair@example.test', PASSWORD, '127.0.6.100')).status).toBe(200);
    expect((await login(s, 'pair@example.test', PASSWORD, '127.0.6.1')).status).toBe(200);
    for (let i = 0; i < 10; i++) expect((await login(s, 'pair@example.test', WRONG, '127.0.6.1')).status).toBe(401);
    const refused = await login(s, 'pair@example.test', PASSWORD, '127.0.6.1');
    expectLimited(refused, 15 * 60);
    expect(refused.body.error.details.retry_after).toBeGreaterThan(14 * 60);
    expect((await login(s, 'pair@example.test', PASSWORD, '127.0.6.100')).status).toBe(200);
  });

  it('a successful login by the owner does not wipe out the failures a guesser built up', async () => {
    for (let i = 1; i <= 9; i++) expect((await login(s, 'owner@example.test', WRONG, `127.0.2.${i}`)).status).toBe(401);
    expect((await login(s, 'owner@example.test', PASSWORD, '127.0.2.100')).status).toBe(200);
    expect((await login(s, 'owner@example.test', WRONG, '127.0.2.10')).status).toBe(401);
    expectLimited(await login(s, 'owner@example.test', WRONG, '127.0.2.11'), 1);
    expect((await login(s, 'owner@example.test', PASSWORD, '127.0.2.100')).status).toBe(200);
  });

  it('new addresses guessing at once while the account is slowed: one try is let through per wait, the rest answer 429', async () => {
    for (let i = 1; i <= 10; i++) expect((await login(s, 'crowd@example.test', WRONG, `127.0.7.${i}`)).status).toBe(401);
    await sleep(1100);
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => login(s, 'crowd@example.test', WRONG, `127.0.7.${20 + i}`)),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([401, 429, 429, 429, 429, 429]);
  });

  it('an address that last logged in to the account more than 30 days ago counts as new', async () => {
    expect((await login(s, 'month@example.test', PASSWORD, '127.0.8.100')).status).toBe(200);
    const db = s.db;
    const id = (await db.selectFrom('users').select('id').where('email', '=', 'month@example.test').executeTakeFirstOrThrow()).id;
    await db
      .updateTable('login_addresses')
      .set({ last_login_at: new Date(Date.now() - 31 * 86_400_000).toISOString() })
      .where('user_id', '=', id)
      .execute();
    for (let i = 1; i <= 10; i++) expect((await login(s, 'month@example.test', WRONG, `127.0.8.${i}`)).status).toBe(401);
    expectLimited(await login(s, 'month@example.test', PASSWORD, '127.0.8.100'), 1);
  });
});

describe('The wait before each try doubles up to 15 minutes', () => {
  it('is 1, 2, 4 … seconds, and never more than 15 minutes', () => {
    expect([1, 2, 3, 4, 10, 11, 20, 50].map((level) => slowDownSeconds(level, 900))).toEqual([1, 2, 4, 8, 512, 900, 900, 900]);
  });

  it('stops doubling at the configured cap through the API', async () => {
    const w = await createApiWorld({ listen: true, api: { rateLimit: { slowDownMaxSec: 2 } } });
    try {
      const u = await w.user();
      const at = (from: string, password: string) => post(w.url!, '/api/users/token/', { email: u.email, password }, from);
      for (let i = 1; i <= 10; i++) expect((await at(`127.0.9.${i}`, WRONG)).status).toBe(401);
      for (let round = 0; round < 3; round++) {
        const refused = await at('127.0.9.50', WRONG);
        expect(refused.status).toBe(429);
        expect(refused.body.error.details.retry_after).toBeLessThanOrEqual(2);
        await sleep(refused.body.error.details.retry_after * 1000 + 100);
        expect((await at('127.0.9.51', WRONG)).status).toBe(401);
      }
    } finally {
      await w.close();
    }
  });
});

describe('TRUST_PROXY=1: the client is the address the proxy appended to X-Forwarded-For', () => {
  let s: RunningService;
  beforeAll(async () => {
    s = await service({ TRUST_PROXY: '1' });
    await s.core.users.register({ email: 'reader@example.test', password: PASSWORD, first_name: 'R', last_name: 'One' });
  });
  // Every request comes from the proxy's socket (127.0.0.1); the last entry is the real client.
  const via = (...chain: string[]) => ({ 'x-forwarded-for': chain.join(', ') });

  it('limits the client the proxy saw, not the proxy, and not what the client claims', async () => {
    for (let i = 0; i < 30; i++)
      expect((await login(s, stranger(), WRONG, '127.0.0.1', via('203.0.113.9', '10.1.1.1'))).status).toBe(401);
    expectLimited(await login(s, stranger(), WRONG, '127.0.0.1', via('203.0.113.9', '10.1.1.1')), 60);
    // A forged first entry changes nothing: the proxy's entry is last.
    expect((await login(s, stranger(), WRONG, '127.0.0.1', via('192.0.2.44', '10.1.1.1'))).status).toBe(429);
    // A port some proxies add does not make it another client.
    expect((await login(s, stranger(), WRONG, '127.0.0.1', via('10.1.1.1:52311'))).status).toBe(429);
    // Another client behind the same proxy (same socket address) is not locked out.
    expect((await login(s, 'reader@example.test', PASSWORD, '127.0.0.1', via('203.0.113.9', '10.1.1.2'))).status).toBe(200);
  });
});

describe('Failed logins from one address are limited per hour too (slow guessing across many accounts)', () => {
  it('refuses the address once its failures are used up, successes not counted; other addresses go on', async () => {
    const w = await createApiWorld({ listen: true, api: { rateLimit: { failuresPerAddressPerHour: 3 } } });
    try {
      const u = await w.user();
      const at = (from: string, email: string, password: string) => post(w.url!, '/api/users/token/', { email, password }, from);
      expect((await at('127.0.4.1', u.email, WORLD_PASSWORD)).status).toBe(200);
      for (let i = 0; i < 3; i++) expect((await at('127.0.4.1', stranger(), WRONG)).status).toBe(401);
      const refused = await at('127.0.4.1', u.email, WORLD_PASSWORD);
      expectLimited(refused, 3600);
      expect(refused.body.error.message).toMatch(/failed logins from your network/);
      expect((await at('127.0.4.2', u.email, WORLD_PASSWORD)).status).toBe(200);
    } finally {
      await w.close();
    }
  });
});

describe('AUTH_RATE_LIMIT=off turns throttling off', () => {
  it('answers every bad login 401, far past both limits, and the right password still works', async () => {
    const s = await service({ AUTH_RATE_LIMIT: 'off' });
    await s.core.users.register({ email: 'reader@example.test', password: PASSWORD, first_name: 'R', last_name: 'One' });
    for (let i = 0; i < 35; i++) expect((await login(s, 'reader@example.test', WRONG, '127.0.3.1')).status).toBe(401);
    expect((await login(s, 'reader@example.test', PASSWORD, '127.0.3.1')).status).toBe(200);
  });
});

describe('Creating Telegram link codes is throttled per user', () => {
  let w: ApiWorld;
  beforeAll(async () => {
    w = await createApiWorld({ api: { rateLimit: {} } });
  });
  afterAll(async () => {
    await w?.close();
  });

  it('allows 5 codes in 10 minutes, then 429 with retry_after; another user is not affected', async () => {
    const a = await w.user();
    const b = await w.user();
    for (let i = 0; i < 5; i++)
      expect(
        (await w.req('POST', '/api/users/me/telegram-link/', { token: a.access, body: { current_password: WORLD_PASSWORD } }))
          .status,
      ).toBe(201);
    const refused = await w.req('POST', '/api/users/me/telegram-link/', {
      token: a.access,
      body: { current_password: WORLD_PASSWORD },
    });
    expect(refused.status).toBe(429);
    expect(refused.body.error.details.retry_after).toBeLessThanOrEqual(600);
    expect(refused.headers.get('retry-after')).toBe(String(refused.body.error.details.retry_after));
    expect(
      (await w.req('POST', '/api/users/me/telegram-link/', { token: b.access, body: { current_password: WORLD_PASSWORD } }))
        .status,
    ).toBe(201);
  });
});

describe('Client addresses', () => {
  it('are IPv4 as such (also when mapped into IPv6) and IPv6 by its /64, so rotating within a block gains nothing', () => {
    expect(normalizeAddress('127.0.0.2')).toBe('127.0.0.2');
    expect(normalizeAddress('::ffff:10.0.0.9')).toBe('10.0.0.9');
    expect(normalizeAddress('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(normalizeAddress('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(normalizeAddress('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(normalizeAddress('::1')).toBe('0:0:0:0::/64');
  });
});
