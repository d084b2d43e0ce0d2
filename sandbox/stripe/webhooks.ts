// Webhook delivery as Stripe does it: each event POSTed as pretty-printed JSON with a
// `Stripe-Signature` (HMAC-SHA256 over "<timestamp>.<payload>"), retried with pauses until the
// endpoint answers 2xx, every attempt recorded. Only subscribed event types go out.
import { createHmac } from 'node:crypto';
import type { Lifetime } from './lifetime.js';
import {
  type DeliveryResult,
  type FakeEvent,
  type FakeStripeOptions,
  FakeStripeStateError,
  type WebhookAttempt,
} from './types.js';

export interface Webhooks {
  /** Whether an event of this type goes to the endpoint (its `pending_webhooks`). */
  willDeliver(type: string): boolean;
  /** Delivers an event if the endpoint is configured and subscribed; tracked for idle(). */
  dispatch(ev: FakeEvent): Promise<DeliveryResult | null>;
  /** Where deliverEvent() sends: the given URL and secret, else the configured ones. */
  target(opts: { url?: string; secret?: string }): { url: string; secret: string } | undefined;
  /** Delivers to exactly this endpoint, whatever the event type; tracked for idle(). */
  send(ev: FakeEvent, url: string, secret: string): Promise<DeliveryResult>;
  sign(payload: string, secret?: string, timestampSec?: number): string;
  readonly deliveries: readonly WebhookAttempt[];
  setUrl(url: string | undefined): void;
  idle(): Promise<void>;
  reset(): void;
}

export function createWebhooks(deps: {
  options: FakeStripeOptions;
  now: () => number;
  logLimit: number;
  lifetime: Lifetime;
}): Webhooks {
  const { options, now, logLimit, lifetime } = deps;
  const enabledEvents = options.enabledEvents ?? ['checkout.session.completed', 'checkout.session.expired'];
  const retryDelays = options.webhookRetryDelaysMs ?? [100, 400, 1600];
  const webhookTimeoutMs = options.webhookTimeoutMs ?? 5000;
  let webhookUrl = options.webhookUrl;
  let deliveries: WebhookAttempt[] = [];
  const pending = new Set<Promise<unknown>>();

  const isEnabled = (type: string) => enabledEvents.includes('*') || enabledEvents.includes(type);

  function track<T>(p: Promise<T>): Promise<T> {
    pending.add(p);
    void p.finally(() => pending.delete(p)).catch(() => {});
    return p;
  }

  function sign(payload: string, secret = options.webhookSecret, timestampSec = Math.floor(Date.now() / 1000)): string {
    if (!secret) throw new FakeStripeStateError('webhook_not_configured', 'No webhook secret to sign with');
    const v1 = createHmac('sha256', secret).update(`${timestampSec}.${payload}`, 'utf8').digest('hex');
    return `t=${timestampSec},v1=${v1}`;
  }

  async function deliver(ev: FakeEvent, url: string, secret: string): Promise<DeliveryResult> {
    // Stripe sends pretty-printed JSON; a receiver that re-serializes it would fail to verify.
    const payload = JSON.stringify(ev, null, 2);
    const maxAttempts = retryDelays.length + 1;
    let last: WebhookAttempt | undefined;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (lifetime.signal.aborted) break;
      // Re-signed per attempt with the wall clock, as Stripe stamps delivery time (a test
      // `now` in the past must not push signatures outside the receiver's tolerance).
      const signature = sign(payload, secret);
      const rec: WebhookAttempt = {
        eventId: ev.id,
        eventType: ev.type,
        url,
        attempt,
        status: null,
        ok: false,
        signature,
        payload,
        at: now(),
      };
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json; charset=utf-8',
            'Stripe-Signature': signature,
            'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
            Accept: '*/*; q=0.5, application/xml',
          },
          body: payload,
          signal: AbortSignal.any([AbortSignal.timeout(webhookTimeoutMs), lifetime.signal]),
        });
        rec.status = res.status;
        rec.ok = res.ok;
        await res.arrayBuffer().catch(() => undefined);
      } catch (e) {
        rec.error = e instanceof Error ? (e.cause instanceof Error ? `${e.message}: ${e.cause.message}` : e.message) : String(e);
      }
      deliveries.push(rec);
      if (deliveries.length > logLimit) deliveries.splice(0, deliveries.length - logLimit);
      last = rec;
      if (rec.ok) break;
      if (attempt < maxAttempts && !(await lifetime.sleep(retryDelays[attempt - 1]!))) break;
    }
    return {
      eventId: ev.id,
      ok: last?.ok ?? false,
      attempts: last?.attempt ?? 0,
      status: last?.status ?? null,
      ...(last?.error ? { error: last.error } : {}),
    };
  }

  return {
    willDeliver: (type) => Boolean(webhookUrl && options.webhookSecret && isEnabled(type)),
    dispatch(ev) {
      if (!webhookUrl || !options.webhookSecret || !isEnabled(ev.type)) return Promise.resolve(null);
      return track(deliver(ev, webhookUrl, options.webhookSecret));
    },
    target(opts) {
      const url = opts.url ?? webhookUrl;
      const secret = opts.secret ?? options.webhookSecret;
      return url && secret ? { url, secret } : undefined;
    },
    send: (ev, url, secret) => track(deliver(ev, url, secret)),
    sign,
    get deliveries() {
      return deliveries;
    },
    setUrl(url) {
      webhookUrl = url;
    },
    async idle() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
    reset() {
      deliveries = [];
    },
  };
}
