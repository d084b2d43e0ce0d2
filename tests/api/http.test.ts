// REST API: what every route shares — paths with or without a trailing slash, the error shape,
// body limits, request ids and logs, health, and the OpenAPI document and docs page.
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiWorld, createApiWorld, PASSWORD, type TestUser } from '../helpers/api.js';

let w: ApiWorld;
let staff: TestUser;
const logLines: Record<string, unknown>[] = [];

beforeAll(async () => {
  // A plain pino logger (no redaction) writing to memory: the API must not log secrets at all.
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split('\n')) if (line.trim()) logLines.push(JSON.parse(line));
      cb();
    },
  });
  const logger = pino({ level: 'debug' }, sink);
  w = await createApiWorld({
    listen: true,
    logger,
    api: {
      extraRoutes: (app) => {
        app.get('/test/boom', () => {
          throw new Error('kaboom: internal detail');
        });
      },
    },
  });
  staff = await w.user({ staff: true });
});
afterAll(async () => {
  await w?.close();
});

describe('Every path works with or without a trailing slash', () => {
  for (const path of ['/api/books', '/api/books/', '/health', '/health/', '/api/openapi.json', '/api/docs', '/api/docs/']) {
    it(`GET ${path} answers 200`, async () => {
      expect((await w.req('GET', path)).status).toBe(200);
    });
  }

  it('POST /api/books without the slash creates the book over real HTTP, no redirect', async () => {
    const r = await w.http('POST', '/api/books', {
      token: staff.access,
      body: { title: 'Slashless', author: 'A', cover: 'SOFT', inventory: 1, daily_fee: 1 },
    });
    expect(r.status).toBe(201);
    const r2 = await w.http('POST', '/api/books/', {
      token: staff.access,
      body: { title: 'Slashed', author: 'A', cover: 'SOFT', inventory: 1, daily_fee: 1 },
    });
    expect(r2.status).toBe(201);
  });
});

describe('Unknown routes answer 404 in the error shape', () => {
  for (const [method, path] of [
    ['GET', '/nope'],
    ['GET', '/api/nothing/here/'],
    ['POST', '/api/books/1/extra/'],
    ['DELETE', '/api/borrowings/1/return/nope'],
  ] as const) {
    it(`${method} ${path} → 404 NOT_FOUND JSON`, async () => {
      const r = await w.req(method, path);
      expect(r.status).toBe(404);
      expect(r.headers.get('content-type')).toMatch(/application\/json/);
      expect(r.body.error.code).toBe('NOT_FOUND');
      expect(typeof r.body.error.message).toBe('string');
    });
  }
});

describe('A known path with a method it does not take answers 405 with Allow', () => {
  for (const [method, path, allow] of [
    ['DELETE', '/api/users/', 'POST'],
    ['POST', '/api/books/1/', 'GET, HEAD, PUT, PATCH, DELETE'],
    ['DELETE', '/api/borrowings', 'GET, HEAD, POST'],
    ['GET', '/api/borrowings/7/return/', 'POST'],
    ['PUT', '/api/payments/3/renew', 'POST'],
    ['GET', '/api/users/token/', 'POST'],
    ['POST', '/health', 'GET, HEAD'],
  ] as const) {
    it(`${method} ${path} → 405, Allow: ${allow}`, async () => {
      const r = await w.req(method, path);
      expect(r.status).toBe(405);
      expect(r.headers.get('allow')).toBe(allow);
      expect(r.headers.get('content-type')).toMatch(/application\/json/);
      expect(r.body.error).toEqual({ code: 'METHOD_NOT_ALLOWED', message: expect.stringContaining(allow) });
    });
  }

  it('over real HTTP too, before any login is asked for', async () => {
    const r = await w.http('PATCH', '/api/borrowings/1/');
    expect([r.status, r.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
  });

  it('a method the path takes still reaches its route (HEAD as GET)', async () => {
    expect((await w.req('HEAD', '/api/books/')).status).toBe(200);
    expect((await w.req('GET', '/api/borrowings/')).status).toBe(401);
  });
});

/** A JSON object {key: "xxx…"} of exactly `bytes` bytes. */
const sized = (key: string, bytes: number) => JSON.stringify({ [key]: 'x'.repeat(bytes - JSON.stringify({ [key]: '' }).length) });

describe('Bad request bodies answer 4xx, never 500', () => {
  it('malformed JSON answers 400 VALIDATION', async () => {
    for (const raw of ['{bad', '{"title": "x",}', '', 'null']) {
      const r = await w.req('POST', '/api/books/', { token: staff.access, raw, headers: { 'content-type': 'application/json' } });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION');
    }
  });

  it('a JSON array or a string instead of an object answers 400', async () => {
    for (const raw of ['[]', '"text"', '42']) {
      const r = await w.req('POST', '/api/users/', { raw, headers: { 'content-type': 'application/json' } });
      expect(r.status).toBe(400);
    }
  });

  it('a body that is not JSON answers 415', async () => {
    const r = await w.req('POST', '/api/users/', { raw: 'email=a@b.c', headers: { 'content-type': 'text/plain' } });
    expect(r.status).toBe(415);
    expect(r.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('a body of 64 KiB + 1 byte answers 413 (streamed, no Content-Length)', async () => {
    const raw = sized('title', 64 * 1024 + 1);
    expect(Buffer.byteLength(raw)).toBe(64 * 1024 + 1);
    const r = await w.req('POST', '/api/books/', { token: staff.access, raw, headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('a body of 64 KiB + 1 byte answers 413 over HTTP (with Content-Length), and 64 KiB exactly is read', async () => {
    const over = sized('email', 64 * 1024 + 1);
    expect(Buffer.byteLength(over)).toBe(64 * 1024 + 1);
    const r = await w.http('POST', '/api/users/', { raw: over, headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(413);
    const exact = sized('email', 64 * 1024);
    const ok = await w.http('POST', '/api/users/', { raw: exact, headers: { 'content-type': 'application/json' } });
    expect(ok.status).toBe(400); // read and validated, not refused for size
    expect(ok.body.error.code).toBe('VALIDATION');
  });

  it('a streamed body over HTTP (chunked, no Content-Length) is read up to 64 KiB and refused past it', async () => {
    const send = (raw: string) =>
      fetch(`${w.url}/api/users/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: new Blob([raw]).stream(),
        duplex: 'half',
      } as RequestInit);
    const exact = await send(sized('email', 64 * 1024));
    expect(exact.status).toBe(400); // read and validated, not refused for size
    expect(((await exact.json()) as { error: { code: string } }).error.code).toBe('VALIDATION');
    const over = await send(sized('email', 64 * 1024 + 1));
    expect(over.status).toBe(413);
    expect(((await over.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('broken percent-encoding in the path or query is not a 500', async () => {
    for (const path of ['/api/books/%E0%A4%A/', '/api/books/?search=%E0%A4%A', '/api/books/?limit=%FF']) {
      const r = await w.req('GET', path);
      expect(r.status).toBeLessThan(500);
    }
  });
});

describe('Unexpected errors answer 500 without details and are logged with the request id', () => {
  it('answers {error: {code: INTERNAL, message: "Something went wrong"}} and logs the error', async () => {
    const r = await w.req('GET', '/test/boom', { headers: { 'x-request-id': 'req-boom-1' } });
    expect(r.status).toBe(500);
    expect(r.body).toEqual({ error: { code: 'INTERNAL', message: 'Something went wrong' } });
    expect(r.text).not.toContain('kaboom');
    expect(r.headers.get('x-request-id')).toBe('req-boom-1');
    const logged = logLines.find((l) => l.reqId === 'req-boom-1' && l.msg === 'unexpected error');
    expect(logged).toBeDefined();
    expect(JSON.stringify(logged)).toContain('kaboom');
  });
});

describe('Requests carry an id and leave one log line without secrets', () => {
  it('echoes a sane X-Request-Id and makes one up otherwise', async () => {
    const given = await w.req('GET', '/health', { headers: { 'x-request-id': 'abc-123' } });
    expect(given.headers.get('x-request-id')).toBe('abc-123');
    const made = await w.req('GET', '/health', { headers: { 'x-request-id': 'bad id with spaces <>' } });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const errorToo = await w.req('GET', '/nope');
    expect(errorToo.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs method, path, status and time, but neither tokens nor passwords', async () => {
    const u = await w.user();
    await w.req('PATCH', '/api/users/me/', {
      token: u.access,
      body: { password: 'a new secret pw', current_password: PASSWORD },
      headers: { 'x-request-id': 'req-log-1' },
    });
    await w.req('POST', '/api/users/token/', {
      body: { email: u.email, password: 'a new secret pw' },
      headers: { 'x-request-id': 'req-log-2' },
    });
    const lines = logLines.filter((l) => l.reqId === 'req-log-1' || l.reqId === 'req-log-2');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ method: 'PATCH', path: '/api/users/me/', status: 200 });
    expect(typeof lines[0]!.ms).toBe('number');
    const all = JSON.stringify(logLines);
    expect(all).not.toContain(u.access);
    expect(all).not.toContain('a new secret pw');
    expect(all).not.toContain(PASSWORD);
  });
});

describe('/health checks the database', () => {
  it('answers 200 {status: ok} while the database answers', async () => {
    const r = await w.req('GET', '/health');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ status: 'ok' });
  });

  it('answers 503 when the database does not', async () => {
    const dead = await createApiWorld();
    await dead.db.destroy();
    const r = await dead.req('GET', '/health');
    expect(r.status).toBe(503);
    expect(r.body.status).not.toBe('ok');
    await dead.stripe.close();
  });
});

describe('The API documents itself', () => {
  const specPaths = [
    '/api/users/',
    '/api/users/token/',
    '/api/users/token/refresh/',
    '/api/users/token/logout/',
    '/api/users/me/',
    '/api/users/me/books/',
    '/api/users/me/telegram-link/',
    '/api/books/',
    '/api/books/{id}/',
    '/api/borrowings/',
    '/api/borrowings/{id}/',
    '/api/borrowings/{id}/return/',
    '/api/payments/',
    '/api/payments/{id}/',
    '/api/payments/{id}/renew/',
    '/api/payments/{id}/refund/',
    '/api/payments/success/',
    '/api/payments/cancel/',
    '/api/payments/webhook/',
    '/api/payments/checkout/{token}/',
    '/health',
    // SPEC §11
    '/api/holds/',
    '/api/holds/{id}/',
    '/api/holds/{id}/cancel/',
    '/api/borrowings/{id}/extend/',
  ];

  it('/api/openapi.json is OpenAPI 3.1 listing every path of the spec with its methods', async () => {
    const r = await w.req('GET', '/api/openapi.json');
    expect(r.status).toBe(200);
    expect(r.body.openapi).toBe('3.1.0');
    expect(Object.keys(r.body.paths).sort()).toEqual([...specPaths].sort());
    expect(Object.keys(r.body.paths['/api/users/me/']).sort()).toEqual(['get', 'patch', 'put']);
    expect(Object.keys(r.body.paths['/api/books/{id}/']).sort()).toEqual(['delete', 'get', 'patch', 'put']);
    expect(r.body.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(r.body.paths['/api/borrowings/'].post.security).toEqual([{ bearerAuth: [] }]);
    expect(r.body.paths['/api/books/'].get.security).toBeUndefined();
    expect(r.body.components.schemas.Book.properties.daily_fee.type).toBe('string');
  });

  it('/api/docs/ answers an HTML page that loads the document', async () => {
    const r = await w.req('GET', '/api/docs/');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/text\/html/);
    expect(r.text).toContain('/api/openapi.json');
  });
});
