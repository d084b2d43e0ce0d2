// The Stripe API over HTTP, for the slice the library uses, under /v1/ wherever the app is
// mounted. Every request is recorded, may be failed or delayed on purpose, is authenticated by
// its secret key, and a POST with an Idempotency-Key answers the stored result on a repeat, as
// Stripe's does; then the routes for sessions, payment intents, refunds and events.
import { type Context, Hono } from 'hono';
import { ApiError, invalid, noSuch } from './errors.js';
import { list, listParams, parseStripeForm, rejectUnknown, str } from './form.js';
import { clone, newId } from './ids.js';
import type { Lifetime } from './lifetime.js';
import type { StripeStore } from './store.js';
import type { FailureSpec, FakeEnv, FakeStripeOptions, FormObject, RecordedRequest } from './types.js';

interface StoredResponse {
  fingerprint: string;
  status: number;
  body: string;
  headers: Record<string, string>;
}

function redactKey(key: string): string {
  if (key.length <= 12) return `${key.slice(0, 3)}****`;
  return `${key.slice(0, 8)}${'*'.repeat(Math.min(20, key.length - 12))}${key.slice(-4)}`;
}

export interface StripeRoutes {
  readonly app: Hono<FakeEnv>;
  readonly requests: readonly RecordedRequest[];
  failNext(count: number, failure: FailureSpec): void;
  delayNext(count: number, ms: number): void;
  reset(): void;
}

export function createStripeRoutes(deps: {
  options: FakeStripeOptions;
  now: () => number;
  apiVersion: string;
  logLimit: number;
  store: StripeStore;
  lifetime: Lifetime;
}): StripeRoutes {
  const { options, now, apiVersion, logLimit, store, lifetime } = deps;
  let requests: RecordedRequest[] = [];
  let idempotency = new Map<string, StoredResponse>();
  const inFlightKeys = new Set<string>();
  let failures: FailureSpec[] = [];
  let delays: number[] = [];

  const app = new Hono<FakeEnv>();

  const errorResponse = (c: Context<FakeEnv>, e: ApiError) => {
    for (const [k, v] of Object.entries(e.headers)) c.header(k, v);
    return c.json({ error: e.body }, e.status as 400);
  };

  app.onError((err, c) => {
    if (err instanceof ApiError) return errorResponse(c, err);
    return errorResponse(c, new ApiError(500, { type: 'api_error', message: `Fake Stripe internal error: ${err.message}` }));
  });

  app.use('/v1/*', async (c, next) => {
    const requestId = newId('req', 14);
    c.header('Request-Id', requestId);
    c.header('Stripe-Version', c.req.header('stripe-version') ?? apiVersion);
    const fullPath = c.req.path;
    const at = fullPath.indexOf('/v1/');
    const path = at >= 0 ? fullPath.slice(at) : fullPath;
    const method = c.req.method;
    const rawBody = method === 'GET' || method === 'HEAD' ? '' : await c.req.text();
    const query = parseStripeForm(new URL(c.req.url).search.slice(1));
    const idempotencyKey = c.req.header('idempotency-key') ?? null;
    const record: RecordedRequest = {
      method,
      path,
      query,
      body: parseStripeForm(rawBody),
      rawBody,
      idempotencyKey,
      requestId,
      at: now(),
    };
    requests.push(record);
    if (requests.length > logLimit) requests.splice(0, requests.length - logLimit);
    const finish = (res: Response) => {
      record.status = res.status;
      return res;
    };

    const failure = failures.shift();
    if (failure) {
      const type = failure.type ?? (failure.status >= 500 ? 'api_error' : 'invalid_request_error');
      return finish(
        errorResponse(
          c,
          new ApiError(
            failure.status,
            {
              type,
              message:
                failure.message ??
                (failure.status >= 500 ? 'An unknown error occurred (injected by the fake).' : 'Injected failure.'),
              ...(failure.code ? { code: failure.code } : {}),
            },
            failure.headers,
          ),
        ),
      );
    }

    const delay = delays.shift();
    if (delay !== undefined) {
      const signal = AbortSignal.any([c.req.raw.signal, lifetime.signal]);
      const completed = await lifetime.sleep(delay, signal);
      // The client gave up (timeout) — do not act on a request nobody waits for.
      if (!completed) return finish(c.body(null, 499 as 400));
    }

    const auth = c.req.header('authorization') ?? '';
    let apiKey = '';
    const bearer = /^Bearer\s+(\S+)$/i.exec(auth);
    const basic = /^Basic\s+(\S+)$/i.exec(auth);
    if (bearer) apiKey = bearer[1]!;
    else if (basic) apiKey = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':')[0] ?? '';
    const keyOk = apiKey !== '' && (options.secretKey ? apiKey === options.secretKey : /^sk_test_[A-Za-z0-9_]+$/.test(apiKey));
    if (!keyOk) {
      c.header('WWW-Authenticate', 'Bearer realm="Stripe"');
      const message = apiKey
        ? `Invalid API Key provided: ${redactKey(apiKey)}`
        : "Invalid API Key provided: you did not provide an API key. Use Bearer auth (e.g. 'Authorization: Bearer sk_test_...').";
      return finish(errorResponse(c, new ApiError(401, { type: 'invalid_request_error', message })));
    }

    const params: FormObject = method === 'GET' || method === 'DELETE' ? record.query : record.body;
    c.set('stripe', { params, record, apiKey, requestId });

    if (method !== 'POST' || !idempotencyKey) {
      await next();
      return finish(c.res);
    }

    // Idempotency: keyed per API key; same key + same request → the stored answer.
    const storeKey = `${apiKey}\u0000${idempotencyKey}`;
    const fingerprint = `${method} ${path}\n${rawBody}`;
    c.header('Idempotency-Key', idempotencyKey);
    const stored = idempotency.get(storeKey);
    if (stored) {
      if (stored.fingerprint !== fingerprint) {
        return finish(
          errorResponse(
            c,
            new ApiError(400, {
              type: 'idempotency_error',
              message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
            }),
          ),
        );
      }
      return finish(
        new Response(stored.body, {
          status: stored.status,
          headers: {
            ...stored.headers,
            'Request-Id': requestId,
            'Idempotent-Replayed': 'true',
            'Idempotency-Key': idempotencyKey,
          },
        }),
      );
    }
    if (inFlightKeys.has(storeKey)) {
      return finish(
        errorResponse(
          c,
          new ApiError(409, {
            type: 'idempotency_error',
            message:
              'There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through). Please retry this request later.',
          }),
        ),
      );
    }
    inFlightKeys.add(storeKey);
    try {
      await next();
    } finally {
      inFlightKeys.delete(storeKey);
    }
    // As on Stripe: only requests that executed are remembered (not validation failures).
    if (c.res.status >= 200 && c.res.status < 300) {
      const body = await c.res.clone().text();
      idempotency.set(storeKey, {
        fingerprint,
        status: c.res.status,
        body,
        headers: {
          'Content-Type': c.res.headers.get('content-type') ?? 'application/json',
          'Stripe-Version': c.res.headers.get('stripe-version') ?? apiVersion,
        },
      });
      // Stripe forgets keys after 24 hours; here the oldest go first once the store is full.
      for (const k of idempotency.keys()) {
        if (idempotency.size <= logLimit) break;
        idempotency.delete(k);
      }
    }
    return finish(c.res);
  });

  const state = (c: Context<FakeEnv>) => c.get('stripe');
  const expandsLineItems = (params: FormObject) => {
    const e = params.expand;
    return Array.isArray(e) && e.includes('line_items');
  };

  app.post('/v1/checkout/sessions', (c) => {
    const { params } = state(c);
    const rec = store.createSession(params);
    return c.json(store.publicSession(rec, expandsLineItems(params)));
  });

  app.get('/v1/checkout/sessions', (c) => {
    const { params } = state(c);
    const { limit } = listParams(params);
    const pi = str(params, 'payment_intent');
    const status = str(params, 'status');
    const all = [...store.sessions.values()]
      .map((r) => {
        store.refreshExpiry(r);
        return r;
      })
      .filter((r) => (!pi || r.session.payment_intent === pi) && (!status || r.session.status === status))
      .reverse()
      .map((r) => store.publicSession(r));
    return c.json(list('/v1/checkout/sessions', all, limit));
  });

  app.get('/v1/checkout/sessions/:id', (c) => {
    const id = c.req.param('id');
    const rec = store.getSession(id);
    if (!rec) throw noSuch('checkout.session', id, 'session');
    return c.json(store.publicSession(rec, expandsLineItems(state(c).params)));
  });

  app.get('/v1/checkout/sessions/:id/line_items', (c) => {
    const id = c.req.param('id');
    const rec = store.getSession(id);
    if (!rec) throw noSuch('checkout.session', id, 'session');
    const { limit } = listParams(state(c).params);
    return c.json(list(`/v1/checkout/sessions/${id}/line_items`, clone(rec.lineItems), limit));
  });

  app.post('/v1/checkout/sessions/:id/expire', (c) => {
    const id = c.req.param('id');
    const { params, record } = state(c);
    rejectUnknown(params, ['expand']);
    const rec = store.getSession(id);
    if (!rec) throw noSuch('checkout.session', id, 'session');
    if (rec.session.status !== 'open') {
      throw invalid(
        `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${rec.session.status}".`,
        { code: 'checkout_session_not_open' },
      );
    }
    void store.markExpired(rec, record);
    return c.json(store.publicSession(rec));
  });

  app.get('/v1/payment_intents/:id', (c) => {
    const id = c.req.param('id');
    const pi = store.intents.get(id);
    if (!pi) throw noSuch('payment_intent', id, 'intent');
    return c.json(clone(pi.intent));
  });

  app.post('/v1/refunds', (c) => {
    const { params, record } = state(c);
    return c.json(store.createRefund(params, record));
  });

  app.get('/v1/refunds/:id', (c) => {
    const id = c.req.param('id');
    const r = store.refunds.get(id);
    if (!r) throw noSuch('refund', id, 'refund');
    return c.json(clone(r));
  });

  app.get('/v1/events', (c) => {
    const { params } = state(c);
    const { limit } = listParams(params);
    const type = str(params, 'type');
    const all = store.events
      .filter((e) => !type || e.type === type)
      .slice()
      .reverse()
      .map(clone);
    return c.json(list('/v1/events', all, limit));
  });

  app.get('/v1/events/:id', (c) => {
    const id = c.req.param('id');
    const ev = store.events.find((e) => e.id === id);
    if (!ev) throw noSuch('event', id);
    return c.json(clone(ev));
  });

  app.all('/v1/*', (c) => {
    const at = c.req.path.indexOf('/v1/');
    throw invalid(
      `Unrecognized request URL (${c.req.method}: ${c.req.path.slice(at)}). This Stripe stand-in serves checkout sessions, refunds and events only.`,
      {},
      404,
    );
  });

  return {
    app,
    get requests() {
      return requests;
    },
    failNext(count, failure) {
      for (let i = 0; i < count; i++) failures.push({ ...failure });
    },
    delayNext(count, ms) {
      for (let i = 0; i < count; i++) delays.push(ms);
    },
    reset() {
      requests = [];
      idempotency = new Map();
      inFlightKeys.clear();
      failures = [];
      delays = [];
    },
  };
}
