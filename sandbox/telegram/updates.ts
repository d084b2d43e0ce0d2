// The updates a bot receives and how they reach it: the queue, getUpdates long polling (a
// newer poll ends the older with 409, as on Telegram), and webhook delivery with retries and
// back-off. allowed_updates filters both.
import type { Update } from 'grammy/types';
import type { CallContext, Handler } from './invoke.js';
import { ApiError, bad, isRecord, optBool, optInt, optJson, optStr, type Params } from './params.js';
import type { FakeBotApiOptions, WebhookAttempt } from './types.js';

interface WebhookState {
  url: string;
  secretToken?: string;
  maxConnections: number;
  lastErrorDate?: number;
  lastErrorMessage?: string;
}

type PollOutcome = 'update' | 'timeout' | 'conflict' | 'released';

const UPDATE_TYPES_OFF_BY_DEFAULT = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);

export interface UpdateQueue {
  /** Queues an update (its update_id assigned) and hands it to the waiting poll or the webhook. */
  enqueue(partial: Omit<Update, 'update_id'>): number;
  /** getUpdates, setWebhook, deleteWebhook, getWebhookInfo. */
  readonly handlers: Record<string, Handler>;
  pending(): number;
  readonly webhookAttempts: readonly WebhookAttempt[];
  reset(): void;
  /** Releases a waiting poll and stops webhook delivery for good. */
  close(): void;
}

export function createUpdateQueue(deps: {
  options: FakeBotApiOptions;
  now: () => number;
  changed: () => void;
  /** Performs the method a webhook answered with, as Telegram does with a webhook reply. */
  runWebhookReply: (method: string, params: Params) => Promise<unknown>;
}): UpdateQueue {
  const { options, now, changed, runWebhookReply } = deps;
  const nowSec = () => Math.floor(now() / 1000);
  const fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  const retryDelays = options.webhookRetryDelaysMs?.length ? options.webhookRetryDelaysMs : [100, 250, 500, 1000, 2000, 5000];
  const maxLoggedCalls = options.maxLoggedCalls ?? 10_000;

  let updates: Update[] = [];
  let nextUpdateId = options.firstUpdateId ?? 1;
  let allowedUpdates: string[] | undefined;
  let webhook: WebhookState | undefined;
  let webhookAttempts: WebhookAttempt[] = [];
  let poller: { settle(outcome: PollOutcome): void } | undefined;
  let deliveryRunning = false;
  let wakeDelivery: (() => void) | undefined;
  let closed = false;

  function updateType(update: Update): string {
    return Object.keys(update).find((k) => k !== 'update_id') ?? 'unknown';
  }

  function isAllowed(update: Update): boolean {
    const type = updateType(update);
    if (!allowedUpdates || allowedUpdates.length === 0) return !UPDATE_TYPES_OFF_BY_DEFAULT.has(type);
    return allowedUpdates.includes(type);
  }

  function dropDisallowed(): void {
    if (updates.some((u) => !isAllowed(u))) updates = updates.filter(isAllowed);
  }

  function enqueue(partial: Omit<Update, 'update_id'>): number {
    const update = { update_id: nextUpdateId++, ...partial } as Update;
    updates.push(update);
    if (webhook) startDelivery();
    else poller?.settle('update');
    return update.update_id;
  }

  function confirmUpTo(offset: number): void {
    if (offset < 0) updates = updates.slice(offset);
    else updates = updates.filter((u) => u.update_id >= offset);
  }

  function waitForUpdate(ms: number, signal: AbortSignal | undefined): Promise<PollOutcome> {
    return new Promise((resolve) => {
      let done = false;
      const me = {
        settle(outcome: PollOutcome) {
          if (done) return;
          done = true;
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          if (poller === me) poller = undefined;
          resolve(outcome);
        },
      };
      const onAbort = () => me.settle('released');
      const timer = setTimeout(() => me.settle('timeout'), ms);
      poller = me;
      if (signal?.aborted) me.settle('released');
      else signal?.addEventListener('abort', onAbort);
    });
  }

  function parseAllowedUpdates(raw: unknown): string[] | undefined {
    if (raw === undefined) return undefined;
    if (!Array.isArray(raw) || raw.some((t) => typeof t !== 'string')) throw bad("can't parse allowed updates");
    return raw as string[];
  }

  async function getUpdates(p: Params, ctx: CallContext): Promise<Update[]> {
    if (webhook) {
      throw new ApiError(
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      );
    }
    const offset = optInt(p, 'offset');
    const limit = Math.min(100, Math.max(1, optInt(p, 'limit') ?? 100));
    const timeout = Math.min(50, Math.max(0, optInt(p, 'timeout') ?? 0));
    const allowed = parseAllowedUpdates(optJson(p, 'allowed_updates'));
    if (allowed !== undefined) allowedUpdates = allowed;
    if (offset !== undefined) confirmUpTo(offset);
    poller?.settle('conflict'); // the newer request wins, as on Telegram
    const deadline = Date.now() + timeout * 1000;
    for (;;) {
      dropDisallowed();
      if (updates.length > 0) return updates.slice(0, limit);
      const left = deadline - Date.now();
      if (left <= 0 || closed) return [];
      const outcome = await waitForUpdate(left, ctx.signal);
      if (outcome === 'conflict') {
        throw new ApiError(
          409,
          'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
        );
      }
      if (outcome !== 'update' || webhook) return [];
    }
  }

  async function postToWebhook(
    hook: WebhookState,
    update: Update,
  ): Promise<{ ok: boolean; status?: number; error?: string; reply?: unknown }> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (hook.secretToken) headers['x-telegram-bot-api-secret-token'] = hook.secretToken;
    try {
      const res = await fetchImpl(hook.url, {
        method: 'POST',
        headers,
        body: JSON.stringify(update),
        signal: AbortSignal.timeout(options.webhookTimeoutMs ?? 10_000),
      });
      const body = await res.text();
      if (res.status < 200 || res.status > 299) {
        return {
          ok: false,
          status: res.status,
          error: `Wrong response from the webhook: ${res.status} ${res.statusText}`.trim(),
        };
      }
      let reply: unknown;
      if ((res.headers.get('content-type') ?? '').includes('json') && body.trim()) {
        try {
          reply = JSON.parse(body) as unknown;
        } catch {
          reply = undefined;
        }
      }
      return { ok: true, status: res.status, reply };
    } catch (err) {
      return { ok: false, error: `Connection failed: ${err instanceof Error ? err.message : String(err)}` };
    }
  }

  function startDelivery(): void {
    if (deliveryRunning || !webhook || closed) return;
    deliveryRunning = true;
    void deliver().finally(() => {
      deliveryRunning = false;
      if (webhook && !closed && updates.length > 0) startDelivery();
    });
  }

  async function deliver(): Promise<void> {
    let attempt = 0;
    while (!closed) {
      const hook = webhook;
      if (!hook) return;
      dropDisallowed();
      const update = updates[0];
      if (!update) return;
      const outcome = await postToWebhook(hook, update);
      webhookAttempts.push({
        update_id: update.update_id,
        url: hook.url,
        at: now(),
        ok: outcome.ok,
        status: outcome.status,
        error: outcome.error,
      });
      if (webhookAttempts.length > maxLoggedCalls) webhookAttempts.shift();
      if (outcome.ok) {
        attempt = 0;
        updates = updates.filter((u) => u.update_id !== update.update_id);
        changed();
        const reply = outcome.reply;
        if (isRecord(reply) && typeof reply.method === 'string') {
          const { method, ...params } = reply;
          await runWebhookReply(method, params);
        }
        continue;
      }
      hook.lastErrorDate = nowSec();
      hook.lastErrorMessage = outcome.error;
      changed();
      if (webhook !== hook) continue;
      const delay = retryDelays[Math.min(attempt, retryDelays.length - 1)] ?? 1000;
      attempt++;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, delay);
        function done() {
          clearTimeout(timer);
          if (wakeDelivery === done) wakeDelivery = undefined;
          resolve();
        }
        wakeDelivery = done;
      });
    }
  }

  const handlers: Record<string, Handler> = {
    getUpdates,

    setWebhook: (p, ctx) => {
      const url = optStr(p, 'url') ?? '';
      const drop = optBool(p, 'drop_pending_updates') ?? false;
      if (url === '') {
        if (drop) updates = [];
        ctx.describe(webhook ? 'Webhook was deleted' : 'Webhook is already deleted');
        webhook = undefined;
        wakeDelivery?.();
        return true;
      }
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw bad('bad webhook: invalid webhook URL specified');
      }
      if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
        throw bad('bad webhook: An HTTPS URL must be provided for webhook');
      const secret = optStr(p, 'secret_token');
      if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret))
        throw bad('bad webhook: secret token contains unallowed characters');
      const allowed = parseAllowedUpdates(optJson(p, 'allowed_updates'));
      const maxConnections = optInt(p, 'max_connections') ?? 40;
      if (maxConnections < 1 || maxConnections > 100) throw bad('bad webhook: max_connections must be between 1 and 100');
      if (allowed !== undefined) allowedUpdates = allowed;
      if (drop) updates = [];
      const same = webhook?.url === url && webhook.secretToken === secret;
      webhook = { url, maxConnections, ...(secret !== undefined ? { secretToken: secret } : {}) };
      poller?.settle('released');
      wakeDelivery?.();
      startDelivery();
      ctx.describe(same ? 'Webhook is already set' : 'Webhook was set');
      return true;
    },

    deleteWebhook: (p, ctx) => {
      if (optBool(p, 'drop_pending_updates')) updates = [];
      ctx.describe(webhook ? 'Webhook was deleted' : 'Webhook is already deleted');
      webhook = undefined;
      wakeDelivery?.();
      return true;
    },

    getWebhookInfo: () => {
      const info: Record<string, unknown> = {
        url: webhook?.url ?? '',
        has_custom_certificate: false,
        pending_update_count: updates.length,
      };
      if (webhook) {
        info.max_connections = webhook.maxConnections;
        if (webhook.lastErrorDate !== undefined) {
          info.last_error_date = webhook.lastErrorDate;
          info.last_error_message = webhook.lastErrorMessage;
        }
        if (allowedUpdates) info.allowed_updates = allowedUpdates;
      }
      return info;
    },
  };

  return {
    enqueue,
    handlers,
    pending: () => updates.length,
    get webhookAttempts() {
      return webhookAttempts;
    },
    reset() {
      poller?.settle('released');
      webhook = undefined;
      wakeDelivery?.();
      updates = [];
      nextUpdateId = options.firstUpdateId ?? 1;
      allowedUpdates = undefined;
      webhookAttempts = [];
    },
    close() {
      closed = true;
      poller?.settle('released');
      wakeDelivery?.();
    },
  };
}
