// Throttling (SPEC §10) against the real service over real sockets: clients come from distinct
// loopback source addresses (Linux accepts any 127.x.y.z), so the limits see what they would
// see in production — the socket's peer, or behind a proxy the X-Forwarded-For entry.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { silentLogger } from '../logger.js';
import { type RunningService } from '../service.js';
import { startTestService } from './helpers/service.js';
import { normalizeAddress } from '../api/rate-limit.js';
import { createApiWorld, PASSWORD as WORLD_PASSWORD, type ApiWorld } from './helpers/api.js';

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
    loadConfig({ DATABASE_PATH: path.join(dir, 'library.db'), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', SANDBOX: 'off', ...env }),
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
function post(base: RunningService | string, p: string, body: unknown, from: string, headers: Record<string, string> = {}): Promise<Answer> {
  const url = new URL(p, typeof base === 'string' ? base : base.localUrl);
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname, port: url.port, path: url.pathname, method: 'POST', localAddress: from, agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined, body: text ? JSON.parse(text) : undefined });
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

describe('Failed logins are limited per account as well, whatever the address', () => {
  let s: RunningService;
  beforeAll(async () => {
    s = await service();
    for (const email of ['victim@example.test', 'owner@example.test', 'bystander@example.test']) {
      await s.core.users.register({ email, password: PASSWORD, first_name: 'A', last_name: 'B' });
    }
  });

  it('after 10 failures within 15 minutes the email answers 429 with retry_after, to every address and even to the right password', async () => {
    for (let i = 1; i <= 10; i++) expect((await login(s, 'victim@example.test', WRONG, `127.0.1.${i}`)).status).toBe(401);
    expectLimited(await login(s, 'victim@example.test', WRONG, '127.0.1.11'), 15 * 60);
    expect((await login(s, 'Victim@Example.test', PASSWORD, '127.0.1.12')).status).toBe(429);
    // Other accounts, from the very addresses the guesses came from, are not affected.
    expect((await login(s, 'bystander@example.test', PASSWORD, '127.0.1.10')).status).toBe(200);
  });

  it('a successful login by the owner does not wipe out the failures a guesser built up', async () => {
    for (let i = 1; i <= 9; i++) expect((await login(s, 'owner@example.test', WRONG, `127.0.2.${i}`)).status).toBe(401);
    expect((await login(s, 'owner@example.test', PASSWORD, '127.0.2.100')).status).toBe(200);
    expect((await login(s, 'owner@example.test', WRONG, '127.0.2.10')).status).toBe(401);
    expectLimited(await login(s, 'owner@example.test', WRONG, '127.0.2.11'), 15 * 60);
    expect((await login(s, 'owner@example.test', PASSWORD, '127.0.2.100')).status).toBe(429);
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
    for (let i = 0; i < 30; i++) expect((await login(s, stranger(), WRONG, '127.0.0.1', via('203.0.113.9', '10.1.1.1'))).status).toBe(401);
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
      const at = (from: string, email: string, password: string) =>
        post(w.url!, '/api/users/token/', { email, password }, from);
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
    for (let i = 0; i < 5; i++) expect((await w.req('POST', '/api/users/me/telegram-link/', { token: a.access })).status).toBe(201);
    const refused = await w.req('POST', '/api/users/me/telegram-link/', { token: a.access });
    expect(refused.status).toBe(429);
    expect(refused.body.error.details.retry_after).toBeLessThanOrEqual(600);
    expect(refused.headers.get('retry-after')).toBe(String(refused.body.error.details.retry_after));
    expect((await w.req('POST', '/api/users/me/telegram-link/', { token: b.access })).status).toBe(201);
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
