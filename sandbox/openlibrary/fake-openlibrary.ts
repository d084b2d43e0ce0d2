/**
 * A local stand-in for the part of Open Library that ISBN intake uses: the Books API
 * (`/api/books`), the ISBN endpoint (`/isbn/<isbn>.json`, a 302 to the edition), edition and
 * author records, and covers by id (`/b/id/<id>-M.jpg`, small JPEGs made in code; by-ISBN
 * covers are served too, so a test can see they are never asked for).
 *
 * It works standalone (`serve({ fetch: fake.app.fetch })`) and mounted under a prefix
 * (`app.route('/sandbox/openlibrary', fake.app)`): routes are relative, and the addresses in
 * its answers are built from each request's own root.
 *
 * For tests it logs every request (time, path, User-Agent, status) and injects faults on
 * demand: `fault('429', 2)` answers the next two requests with a 429.
 */
import { type Context, Hono } from 'hono';
import { coverJpeg } from './cover-jpeg.js';
import { FIXTURE_EDITIONS, type FixtureEdition } from './fixtures.js';
import { authorRecord, booksApiEntry, editionRecord, scramble, viewApiEntry } from './records.js';

export { FIXTURE_EDITIONS, type FixtureEdition, UNKNOWN_ISBN13 } from './fixtures.js';

export type FaultKind =
  | '429' // with Retry-After (30 s unless `retryAfter` says otherwise; null: none)
  | '500'
  | '503' // both: an HTML error page, Retry-After only when `retryAfter` is given
  | 'timeout' // never answers until the client gives up (or the fake closes)
  | 'slow' // answers after `delayMs` (1000 by default)
  | 'bad-json' // 200, application/json, cut off mid-way
  | 'html' // 200, an HTML maintenance page
  | 'redirect-loop' // 302 to /redirect-loop/1, which redirects to /2, … for ever
  | 'redirect-elsewhere' // 302 to the same path on another host name (localhost ⇄ 127.0.0.1)
  | 'oversize' // 200, a JSON body of `bytes` (64 MiB by default), streamed without Content-Length
  | 'wrong-types'; // the usual answer with fields of the wrong type (`fields` to pick which)

export interface FaultOptions {
  /** Only requests whose path (below the base) starts with this, e.g. '/authors/'. */
  on?: string;
  retryAfter?: number | string | null;
  delayMs?: number;
  bytes?: number;
  fields?: readonly string[];
}

export interface LoggedRequest {
  /** When it arrived (the fake's clock, ms). */
  at: number;
  method: string;
  /** Below the base, e.g. `/isbn/9780140328721.json`. */
  path: string;
  /** The query string without `?`, '' when none. */
  query: string;
  userAgent: string | null;
  /** Set once answered. */
  status?: number;
  fault?: FaultKind;
  /** For 'oversize': how much of the body the client pulled before it stopped. */
  bytesSent?: number;
}

export interface FakeOpenLibraryOptions {
  editions?: readonly FixtureEdition[];
  now?: () => number;
  /** Requests kept in the log (oldest dropped first). */
  logLimit?: number;
}

export interface FakeOpenLibrary {
  app: Hono;
  editions: readonly FixtureEdition[];
  /** Answers the next `times` matching requests with `kind` (covers are never faulted). */
  fault(kind: FaultKind, times?: number, opts?: FaultOptions): void;
  clearFaults(): void;
  /** A copy of the log, oldest first. */
  requests(): LoggedRequest[];
  clearLog(): void;
  /** Lets go of requests held by 'timeout' and 'slow'. */
  close(): void;
}

/** Where a route starts inside a request path; what comes before it is the mount's base. */
const ROUTE_START = /\/(?:api\/books|isbn\/|books\/|authors\/|b\/id\/|b\/isbn\/|redirect-loop\/)/;

function split(c: Context): { root: string; base: string; path: string } {
  const url = new URL(c.req.url);
  const at = url.pathname.search(ROUTE_START);
  const base = at > 0 ? url.pathname.slice(0, at) : '';
  return { root: url.origin + base, base, path: at >= 0 ? url.pathname.slice(at) : url.pathname };
}

type Env = { Variables: { wrongTypes?: readonly string[] | true } };

export function createFakeOpenLibrary(options: FakeOpenLibraryOptions = {}): FakeOpenLibrary {
  const editions = options.editions ?? FIXTURE_EDITIONS;
  const now = options.now ?? Date.now;
  const logLimit = Math.max(1, options.logLimit ?? 10_000);
  const log: LoggedRequest[] = [];
  const faults: { kind: FaultKind; left: number; opts: FaultOptions }[] = [];
  const held = new Set<() => void>();
  const covers = new Map<number, Uint8Array>();

  const byIsbn = (isbn: string) => {
    const d = isbn.toUpperCase();
    return editions.find((e) => e.isbn13 === d || e.isbn10 === d);
  };
  const byOlid = (olid: string) => editions.find((e) => e.olid === olid);
  const authorByOlid = (olid: string) => editions.flatMap((e) => e.authors).find((a) => a.olid === olid);
  const coverIds = new Set(editions.flatMap((e) => (e.coverId === undefined ? [] : [e.coverId])));

  /** Waits `ms` (for ever when undefined) or until the client goes away or the fake closes. */
  const hold = (c: Context, ms?: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        held.delete(done);
        if (timer) clearTimeout(timer);
        resolve();
      };
      const timer = ms === undefined ? undefined : setTimeout(done, ms);
      held.add(done);
      c.req.raw.signal.addEventListener('abort', done, { once: true });
    });

  const takeFault = (path: string) => {
    const f = faults.find((x) => x.left > 0 && (x.opts.on === undefined || path.startsWith(x.opts.on)));
    if (!f) return undefined;
    f.left -= 1;
    if (f.left === 0) faults.splice(faults.indexOf(f), 1);
    return f;
  };

  /** A JSON answer; with the wrong-types fault on, its fields change type. */
  const json = (c: Context<Env>, record: Record<string, unknown>, status: 200 | 404 = 200) => {
    const wrong = c.get('wrongTypes');
    return c.json(wrong ? scramble(record, wrong === true ? undefined : wrong) : record, status);
  };

  const app = new Hono<Env>();

  app.use('*', async (c, next) => {
    const { base, path } = split(c);
    const entry: LoggedRequest = {
      at: now(),
      method: c.req.method,
      path,
      query: new URL(c.req.url).search.slice(1),
      userAgent: c.req.header('user-agent') ?? null,
    };
    log.push(entry);
    if (log.length > logLimit) log.splice(0, log.length - logLimit);
    const fault = path.startsWith('/b/') || path.startsWith('/redirect-loop/') ? undefined : takeFault(path);
    if (fault) entry.fault = fault.kind;
    const answer = await (async () => {
      switch (fault?.kind) {
        case undefined:
          return undefined;
        case '429': {
          const after = fault.opts.retryAfter === undefined ? 30 : fault.opts.retryAfter;
          return c.text('Too Many Requests', 429, after === null ? {} : { 'Retry-After': String(after) });
        }
        case '500':
        case '503': {
          const after = fault.opts.retryAfter;
          const headers: Record<string, string> = after === undefined || after === null ? {} : { 'Retry-After': String(after) };
          return c.html(
            '<!DOCTYPE html><html><body><h1>Internal error</h1><p>Open Library had a problem.</p></body></html>',
            Number(fault.kind) as 500 | 503,
            headers,
          );
        }
        case 'timeout':
          await hold(c);
          return c.body(null, 504);
        case 'slow':
          await hold(c, fault.opts.delayMs ?? 1000);
          return undefined;
        case 'bad-json':
          return c.body('{"ISBN:9780140328721": {"title": "Fantastic Mr Fox", "authors": [{"name": "Roa', 200, {
            'Content-Type': 'application/json',
          });
        case 'html':
          return c.html(
            '<!DOCTYPE html>\n<html><head><title>Open Library is down for maintenance</title></head><body><p>We will be back soon.</p></body></html>',
          );
        case 'redirect-loop':
          return c.redirect(`${base}/redirect-loop/1`, 302);
        case 'redirect-elsewhere': {
          const url = new URL(c.req.url);
          url.hostname = url.hostname === 'localhost' ? '127.0.0.1' : 'localhost';
          return c.redirect(url.href, 302);
        }
        case 'oversize':
          return oversizeBody(entry, fault.opts.bytes ?? 64 * 1024 * 1024);
        case 'wrong-types':
          c.set('wrongTypes', fault.opts.fields ?? true);
          return undefined;
      }
    })();
    if (answer) {
      entry.status = answer.status;
      return answer;
    }
    await next();
    entry.status = c.res.status;
  });

  app.get('/api/books', (c) => {
    const { root } = split(c);
    const bibkeys = (c.req.query('bibkeys') ?? '').split(',').filter(Boolean);
    const data = c.req.query('jscmd') === 'data';
    const out: Record<string, unknown> = {};
    for (const key of bibkeys) {
      const m = /^ISBN:([0-9]{9}[0-9Xx]|[0-9]{13})$/.exec(key);
      const e = m ? byIsbn(m[1]) : undefined;
      if (!e || e.inBooksApi === false) continue;
      const entry = data ? booksApiEntry(e, root) : viewApiEntry(e, key, root);
      const wrong = c.get('wrongTypes');
      out[key] = wrong ? scramble(entry, wrong === true ? undefined : wrong) : entry;
    }
    // Without format=json, Open Library answers a script that assigns the object.
    if (c.req.query('format') !== 'json')
      return c.body(`var _OLBookInfo = ${JSON.stringify(out)};`, 200, { 'Content-Type': 'application/javascript' });
    return c.json(out);
  });

  app.get('/isbn/:file', (c) => {
    const { base } = split(c);
    const m = /^([0-9]{9}[0-9Xx]|[0-9]{13})\.json$/.exec(c.req.param('file'));
    const e = m ? byIsbn(m[1]) : undefined;
    if (!e) return json(c, { error: 'notfound', key: `/isbn/${c.req.param('file').replace(/\.json$/, '')}` }, 404);
    return c.redirect(`${base}/books/${e.olid}.json`, 302);
  });

  app.get('/books/:file', (c) => {
    const e = byOlid(c.req.param('file').replace(/\.json$/, ''));
    return e ? json(c, editionRecord(e)) : json(c, { error: 'notfound', key: `/books/${c.req.param('file')}` }, 404);
  });

  app.get('/authors/:file', (c) => {
    const olid = c.req.param('file').replace(/\.json$/, '');
    const a = authorByOlid(olid);
    return a ? json(c, authorRecord(a.olid, a.name)) : json(c, { error: 'notfound', key: `/authors/${olid}` }, 404);
  });

  const jpeg = (c: Context, id: number) => {
    let bytes = covers.get(id);
    if (!bytes) {
      bytes = coverJpeg(id);
      covers.set(id, bytes);
    }
    return c.body(bytes.slice(), 200, { 'Content-Type': 'image/jpeg', 'Cache-Control': 'public, max-age=86400' });
  };

  app.get('/b/id/:file', (c) => {
    const m = /^(\d{1,15})-[SML]\.jpg$/.exec(c.req.param('file'));
    const id = m ? Number(m[1]) : undefined;
    return id !== undefined && coverIds.has(id) ? jpeg(c, id) : c.notFound();
  });

  app.get('/b/isbn/:file', (c) => {
    const m = /^([0-9]{9}[0-9Xx]|[0-9]{13})-[SML]\.jpg$/.exec(c.req.param('file'));
    const e = m ? byIsbn(m[1]) : undefined;
    return e?.coverId !== undefined ? jpeg(c, e.coverId) : c.notFound();
  });

  app.get('/redirect-loop/:n', (c) => {
    const { base } = split(c);
    const n = Number(c.req.param('n')) || 0;
    return c.redirect(`${base}/redirect-loop/${n + 1}`, 302);
  });

  return {
    app: app as unknown as Hono,
    editions,
    fault(kind, times = 1, opts = {}) {
      if (times > 0) faults.push({ kind, left: times, opts });
    },
    clearFaults: () => void faults.splice(0),
    requests: () => log.map((r) => ({ ...r })),
    clearLog: () => void log.splice(0),
    close() {
      for (const release of [...held]) release();
      faults.splice(0);
    },
  };
}

/** A JSON body that goes on for `bytes`, made as the client reads it, counting what it took. */
function oversizeBody(entry: LoggedRequest, bytes: number): Response {
  const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
  const head = new TextEncoder().encode('{"ISBN:9780140328721": {"title": "');
  const tail = new TextEncoder().encode('"}}');
  entry.bytesSent = 0;
  let sentHead = false;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const room = bytes - entry.bytesSent! - tail.length;
      const part = !sentHead ? head : room > 0 ? chunk.subarray(0, room) : tail;
      sentHead = true;
      entry.bytesSent! += part.length;
      controller.enqueue(part);
      if (part === tail) controller.close();
    },
  });
  return new Response(stream, { status: 200, headers: { 'Content-Type': 'application/json' } });
}
