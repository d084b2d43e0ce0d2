// The Bot API over HTTP, as api.telegram.org serves it: /bot<token>/<method> with GET or
// POST, parameters in the query string, a JSON body, or a form (urlencoded or multipart,
// where structured fields arrive as JSON strings).
import { Hono } from 'hono';
import { ApiError, bad, isRecord, type Params } from './params.js';
import type { ApiCall, TelegramResponse } from './types.js';

const JSON_FIELDS = new Set([
  'reply_markup',
  'entities',
  'caption_entities',
  'reply_parameters',
  'link_preview_options',
  'allowed_updates',
  'commands',
  'scope',
  'menu_button',
  'media',
  'message_ids',
]);

async function readParams(req: Request): Promise<Params> {
  const params: Params = {};
  new URL(req.url).searchParams.forEach((value, key) => {
    params[key] = value;
  });
  if (req.method !== 'POST') return params;
  const type = (req.headers.get('content-type') ?? '').toLowerCase();
  if (type.includes('multipart/form-data') || type.includes('application/x-www-form-urlencoded')) {
    let form: FormData;
    try {
      form = await req.formData();
    } catch {
      throw bad("can't parse request body");
    }
    form.forEach((value, key) => {
      if (typeof value !== 'string') {
        params[key] = { file: value.name, size: value.size };
      } else if (JSON_FIELDS.has(key) && /^\s*[[{]/.test(value)) {
        try {
          params[key] = JSON.parse(value) as unknown;
        } catch {
          params[key] = value; // the method reports the parse error
        }
      } else {
        params[key] = value;
      }
    });
    return params;
  }
  const body = await req.text();
  if (body.trim() === '') return params;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw bad("can't parse JSON request body");
  }
  if (!isRecord(parsed)) throw bad('JSON request body must be an object');
  return Object.assign(params, parsed);
}

export function createBotApiApp(opts: {
  /** Path prefix of the routes (default ''). */
  basePath?: string;
  invoke: (
    method: string,
    params: Params,
    via: ApiCall['via'],
    auth: { token: string; signal?: AbortSignal },
  ) => Promise<TelegramResponse>;
}): Hono {
  const { invoke } = opts;
  const app = new Hono();
  const base = (opts.basePath ?? '').replace(/\/+$/, '');
  const prefix = base === '' || base.startsWith('/') ? base : `/${base}`;
  const json = (body: TelegramResponse) =>
    new Response(JSON.stringify(body), {
      status: body.ok ? 200 : body.error_code,
      headers: { 'content-type': 'application/json' },
    });
  app.on(['GET', 'POST'], `${prefix}/:token{bot[^/]*}/:method`, async (c) => {
    const token = c.req.param('token').slice(3);
    let params: Params;
    try {
      params = await readParams(c.req.raw);
    } catch (err) {
      const e = err instanceof ApiError ? err : bad("can't parse request");
      return json({ ok: false, error_code: e.code, description: e.description });
    }
    return json(await invoke(c.req.param('method'), params, 'http', { token, signal: c.req.raw.signal }));
  });
  app.on(['GET', 'POST'], `${prefix}/:token{bot[^/]*}/`, () => json({ ok: false, error_code: 404, description: 'Not Found' }));
  return app;
}
