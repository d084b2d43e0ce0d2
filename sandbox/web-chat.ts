// The offline sandbox's web chat: a browser page where a person talks to the real bot through
// the local Telegram stand-in (sandbox/telegram/fake-bot-api.ts), as one of a few personas.
// The page is sandbox/assets/web-chat.html with its stylesheets and ES modules beside it in
// sandbox/assets/web-chat/; this module serves them and the small JSON + server-sent-events
// API the page uses.

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { serveStatic } from '@hono/node-server/serve-static';
import { type Context, Hono } from 'hono';
import { etag } from 'hono/etag';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { sourcePath } from '../source-files.js';
import type { FakeBotApi, FakeTelegramEvent, TranscriptEntry } from './telegram/fake-bot-api.js';

export interface Persona {
  id: string;
  label: string;
  user: { id: number; first_name: string; last_name?: string; username?: string; language_code?: string };
  chat: { id: number; type: 'private' | 'group' | 'supergroup'; title?: string };
}

export interface WebChatOptions {
  telegram: FakeBotApi;
  personas: Persona[];
  /** The service's public base URL; links the bot sends to it are opened on the page's own origin. */
  publicUrl: string;
  /**
   * The origins the page is served from (default: publicUrl's). The API answers only requests
   * whose Host, and Origin when sent, is one of them: another site in the browser, or one
   * rebinding its DNS name to 127.0.0.1, must not type commands as the librarian.
   */
  ownOrigins?: string[];
  /** Comment pings keep idle event streams open through proxies (default 15 000 ms). */
  pingIntervalMs?: number;
}

/** Telegram's own limit for a message text (UTF-16 code units). */
export const MAX_TEXT_LENGTH = 4096;
/** The newest messages a transcript answer holds. */
export const TRANSCRIPT_LIMIT = 500;
/** Bytes queued for a client that stopped reading its event stream before it is dropped. */
const MAX_EVENT_BACKLOG = 1_000_000;

const PAGE_TEMPLATE = readFileSync(sourcePath(import.meta.url, './assets/web-chat.html'), 'utf8');
const ASSETS_DIR = sourcePath(import.meta.url, './assets/web-chat/');

const SendBody = z.object({
  text: z
    .string({ error: 'text must be a string' })
    .max(MAX_TEXT_LENGTH, `text must be at most ${MAX_TEXT_LENGTH} characters`)
    .refine((t) => t.trim() !== '', 'text must not be empty'),
});

const PressBody = z.object({
  messageId: z.number({ error: 'messageId must be a number' }).int().positive().max(Number.MAX_SAFE_INTEGER),
  data: z
    .string({ error: 'data must be a string' })
    .min(1, 'data must not be empty')
    .refine((d) => Buffer.byteLength(d, 'utf8') <= 64, 'data must be at most 64 bytes'),
});

const PersonaId = z.string().min(1).max(64);

type ErrorCode = 'VALIDATION' | 'NOT_FOUND' | 'BUTTON_NOT_FOUND' | 'SANDBOX_ERROR' | 'FORBIDDEN' | 'UNSUPPORTED_MEDIA_TYPE';

function fail(
  c: Context,
  status: 400 | 403 | 404 | 409 | 415 | 500,
  code: ErrorCode,
  message: string,
  details?: unknown,
): Response {
  return c.json({ error: details === undefined ? { code, message } : { code, message, details } }, status);
}

async function readJson(c: Context): Promise<{ ok: true; value: unknown } | { ok: false }> {
  try {
    return { ok: true, value: await c.req.json() };
  } catch {
    return { ok: false };
  }
}

function issues(error: z.ZodError): { field?: string; message: string }[] {
  return error.issues.map((i) => {
    const field = i.path.map(String).join('.');
    return field ? { field, message: i.message } : { message: i.message };
  });
}

/** JSON placed inside a <script> element: nothing in it can close the element or start markup. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function hasCallbackButton(entry: TranscriptEntry, data: string): boolean {
  const markup = entry.reply_markup;
  if (!markup || !('inline_keyboard' in markup)) return false;
  return markup.inline_keyboard.some((row) => row.some((b) => 'callback_data' in b && b.callback_data === data));
}

export function createWebChat(opts: WebChatOptions): Hono {
  const { telegram, personas } = opts;
  const pingIntervalMs = opts.pingIntervalMs ?? 15_000;
  const byId = new Map(personas.map((p) => [p.id, p]));
  const app = new Hono();

  const publicPersona = (p: Persona) => ({ id: p.id, label: p.label, user: p.user, chat: p.chat });
  const bot = { first_name: telegram.botInfo.first_name, username: telegram.botInfo.username };

  const persona = (c: Context): Persona | undefined => {
    const id = PersonaId.safeParse(c.req.param('personaId'));
    return id.success ? byId.get(id.data) : undefined;
  };
  const unknownPersona = (c: Context) => fail(c, 404, 'NOT_FOUND', 'Unknown persona');

  // Who may use the API: the page, from the service's own origin. A cross-site form can post
  // text/plain without a preflight, so the writes take JSON only.
  const origins = new Set((opts.ownOrigins ?? [opts.publicUrl]).map((o) => new URL(o).origin));
  const hosts = new Set([...origins].map((o) => new URL(o).host));
  app.use('/api/*', async (c, next) => {
    // The URL's host is the Host header's (the Node server refuses a request without one).
    const host = new URL(c.req.url).host;
    const origin = c.req.header('origin');
    if (!hosts.has(host) || (origin !== undefined && !origins.has(origin.toLowerCase()))) {
      return fail(
        c,
        403,
        'FORBIDDEN',
        `The sandbox chat answers its own page only: open it at ${[...origins].join(' or ')} (PUBLIC_URL sets the address)`,
      );
    }
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
      if (type !== 'application/json')
        return fail(c, 415, 'UNSUPPORTED_MEDIA_TYPE', 'The body must be JSON (Content-Type: application/json)');
    }
    await next();
  });

  app.get('/api/personas', (c) => c.json({ personas: personas.map(publicPersona), bot, publicUrl: opts.publicUrl }));

  /**
   * The commands Telegram would offer this persona in its command menu: what the bot set with
   * setMyCommands for the narrowest scope that has any — this chat, then all private (or group)
   * chats, then the default — in the person's language before the scope's default list.
   */
  const commandsFor = (p: Persona) => {
    const lang = p.user.language_code?.slice(0, 2).toLowerCase();
    const scopes = [
      { type: 'chat', chat_id: p.chat.id },
      { type: p.chat.type === 'private' ? 'all_private_chats' : 'all_group_chats' },
      { type: 'default' },
    ];
    for (const scope of scopes) {
      for (const language of lang ? [lang, undefined] : [undefined]) {
        const list = telegram.commands(scope, language);
        if (list.length > 0) return list;
      }
    }
    return [];
  };

  app.get('/api/chats/:personaId/messages', (c) => {
    const p = persona(c);
    if (!p) return unknownPersona(c);
    const visible = telegram.transcript(p.chat.id).filter((m) => !m.deleted);
    return c.json({
      persona: p.id,
      chat: p.chat,
      // Read in the same tick as the transcript: the page replays only the events after it.
      seq: telegram.eventSeq,
      messages: visible.slice(-TRANSCRIPT_LIMIT),
      truncated: visible.length > TRANSCRIPT_LIMIT,
      reply_keyboard: telegram.replyKeyboard(p.chat.id) ?? null,
      // The quick-command chips: the bot's own command menu for this chat.
      commands: commandsFor(p),
    });
  });

  app.post('/api/chats/:personaId/send', async (c) => {
    const p = persona(c);
    if (!p) return unknownPersona(c);
    const body = await readJson(c);
    if (!body.ok) return fail(c, 400, 'VALIDATION', 'The body must be JSON: {"text": "..."}');
    const parsed = SendBody.safeParse(body.value);
    if (!parsed.success)
      return fail(c, 400, 'VALIDATION', parsed.error.issues[0]?.message ?? 'Invalid body', issues(parsed.error));
    let sent: ReturnType<typeof telegram.userSends>;
    try {
      sent = telegram.userSends({ chat: p.chat, from: p.user, text: parsed.data.text });
    } catch (err) {
      return fail(c, 409, 'SANDBOX_ERROR', err instanceof Error ? err.message : String(err));
    }
    const entry = telegram.transcript(p.chat.id).find((m) => m.message_id === sent.message_id);
    return c.json({ message: entry ?? null }, 201);
  });

  app.post('/api/chats/:personaId/press', async (c) => {
    const p = persona(c);
    if (!p) return unknownPersona(c);
    const body = await readJson(c);
    if (!body.ok) return fail(c, 400, 'VALIDATION', 'The body must be JSON: {"messageId": 1, "data": "..."}');
    const parsed = PressBody.safeParse(body.value);
    if (!parsed.success)
      return fail(c, 400, 'VALIDATION', parsed.error.issues[0]?.message ?? 'Invalid body', issues(parsed.error));
    const { messageId, data } = parsed.data;
    const entry = telegram.transcript(p.chat.id).find((m) => m.message_id === messageId);
    if (!entry || entry.deleted || entry.from !== 'bot') return fail(c, 404, 'NOT_FOUND', 'No such bot message in this chat');
    // A keyboard the bot has since replaced: the button is gone, as in a real client.
    if (!hasCallbackButton(entry, data)) return fail(c, 409, 'BUTTON_NOT_FOUND', 'This button is no longer on the message');
    let queryId: string;
    try {
      queryId = telegram.pressButton({ chatId: p.chat.id, messageId, data, from: p.user });
    } catch (err) {
      return fail(c, 409, 'SANDBOX_ERROR', err instanceof Error ? err.message : String(err));
    }
    return c.json({ callback_query_id: queryId }, 202);
  });

  app.get('/api/events', (c) => {
    const signal = c.req.raw.signal;
    c.header('X-Accel-Buffering', 'no');
    const res = streamSSE(c, (stream) => {
      // Writes wait for the client to read; they are chained so they go out in order, and what is
      // still queued is counted so a client that stopped reading is dropped, not buffered for ever.
      let chain: Promise<unknown> = Promise.resolve();
      let queued = 0;
      let open = true;
      const send = (size: number, write: () => Promise<unknown>) => {
        if (!open) return;
        if (queued > MAX_EVENT_BACKLOG) return stream.abort();
        queued += size;
        chain = chain.then(write).finally(() => (queued -= size));
      };
      return new Promise<void>((resolve) => {
        const unsubscribe = telegram.subscribe((event: FakeTelegramEvent) => {
          const data = JSON.stringify(event);
          send(data.length, () => stream.writeSSE({ data }));
        });
        const ping = setInterval(() => send(8, () => stream.write(': ping\n\n')), pingIntervalMs);
        ping.unref?.();
        const close = () => {
          if (!open) return;
          open = false;
          unsubscribe();
          clearInterval(ping);
          signal.removeEventListener('abort', close);
          resolve();
        };
        stream.onAbort(close);
        signal.addEventListener('abort', close, { once: true });
        // `ready` lets the page re-read the transcript after a reconnect (events may have been missed).
        send(64, () => stream.writeSSE({ event: 'ready', data: JSON.stringify({ pingIntervalMs }), retry: 2000 }));
        if (signal.aborted) close();
      });
    });
    // Proxies must neither buffer nor compress the stream.
    res.headers.set('Cache-Control', 'no-cache, no-transform');
    return res;
  });

  // The page's stylesheets and scripts. A dev tool's files: always revalidated (the ETag makes
  // that a 304), so an edited file shows on the next reload.
  app.use('/assets/*', etag());
  app.get(
    '/assets/*',
    async (c, next) => {
      await next();
      if (!c.res.ok) return;
      c.res.headers.set('Cache-Control', 'no-cache');
      c.res.headers.set('X-Content-Type-Options', 'nosniff');
    },
    serveStatic({
      root: ASSETS_DIR,
      // The request path carries wherever the chat is mounted; the file is what follows /assets/.
      rewriteRequestPath: (path) => path.slice(path.lastIndexOf('/assets/') + '/assets'.length),
    }),
  );

  // The page. Registered last and as a pass-through wildcard, so that `/sandbox/` (with the
  // slash) is served while sibling mounts such as /sandbox/checkout/* keep their routes.
  app.get('/*', (c, next) => {
    const mount = c.req.routePath.replace(/\/?\*$/, '');
    // The raw path: a parent app built with `strict: false` reports '/sandbox/' as '/sandbox'.
    const path = new URL(c.req.url).pathname;
    if (path === mount) return c.redirect(`${mount}/`, 302);
    if (path !== `${mount}/`) return next();
    const nonce = randomBytes(16).toString('base64');
    const config = { base: `${mount}/`, personas: personas.map(publicPersona), bot, publicUrl: opts.publicUrl };
    const page = PAGE_TEMPLATE.replaceAll('{{NONCE}}', nonce).replace('{{CONFIG}}', () => scriptJson(config));
    c.header(
      'Content-Security-Policy',
      `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`,
    );
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('Cache-Control', 'no-store');
    return c.html(page);
  });

  return app;
}
