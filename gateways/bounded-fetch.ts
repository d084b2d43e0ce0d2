// One HTTP GET to an outside service with every bound a request made while someone waits needs:
// a deadline per request and one for the whole errand, a few redirects on the same origin only
// (followed here, so each hop is counted, timed and rate-limited like any request), and a cap
// on the body, enforced while it streams in rather than after it has all arrived.
//
// It never throws for anything the other side does: every outcome is a value.

export interface BoundedGetOptions {
  /** Sent with every request (the User-Agent, Accept). */
  headers: Record<string, string>;
  /** Aborts the whole errand (e.g. the lookup's overall deadline). */
  signal: AbortSignal;
  /** Deadline of each request, headers and body together. */
  requestTimeoutMs: number;
  maxRedirects: number;
  maxBodyBytes: number;
  /** Asked before every request, redirects included: undefined to go ahead, or why not. */
  beforeRequest?: () => Promise<GetFailure | undefined>;
  fetch?: typeof fetch;
}

export type GetFailure = {
  kind: 'failed';
  /** For logs: what went wrong, never a body. */
  reason: string;
  /** Set when the refusal came with a wait (a rate limiter's), in milliseconds. */
  retryAfterMs?: number;
};

export type GetOutcome =
  | {
      kind: 'response';
      status: number;
      headers: Headers;
      /** Where the answer came from, after redirects. */
      url: string;
      /** The body as text for a 2xx answer; null for any other (its body is not read). */
      body: string | null;
    }
  | GetFailure;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

const failed = (reason: string): GetFailure => ({ kind: 'failed', reason });

/** Reads a body up to `max` bytes, cancelling the stream the moment it goes past. */
async function readCapped(res: Response, max: number): Promise<string | GetFailure> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > max) {
    await res.body?.cancel().catch(() => undefined);
    return failed(`answer of ${declared} bytes is over the ${max}-byte limit`);
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => undefined);
      return failed(`answer is over the ${max}-byte limit`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total).toString('utf8');
}

/**
 * A signal that aborts after `ms`, or as soon as `parent` does; `release()` clears the timer and
 * the listener on the parent. Used instead of AbortSignal.timeout/any, whose composed signals
 * have leaked in Node (nodejs/node#54614, #55351): here nothing outlives the request it bounds.
 */
export function deadline(ms: number, parent?: AbortSignal): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  const onParent = () => controller.abort(parent!.reason);
  const timer = setTimeout(() => controller.abort(new DOMException(`no answer within ${ms} ms`, 'TimeoutError')), ms);
  if (parent?.aborted) onParent();
  else parent?.addEventListener('abort', onParent, { once: true });
  return {
    signal: controller.signal,
    release() {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParent);
    },
  };
}

/** Settles as `work` does, or with `onAbort()` as soon as `signal` aborts, whichever is first. */
async function unlessAborted<T>(work: Promise<T>, signal: AbortSignal, onAbort: () => T): Promise<T> {
  if (signal.aborted) return onAbort();
  let stop: () => void = () => undefined;
  const aborted = new Promise<T>((resolve) => {
    stop = () => resolve(onAbort());
    signal.addEventListener('abort', stop, { once: true });
  });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    signal.removeEventListener('abort', stop);
  }
}

/** Why a fetch or a body read failed, in words for a log line. */
function describe(error: unknown, request: AbortSignal, errand: AbortSignal, timeoutMs: number): string {
  if (errand.aborted)
    return errand.reason instanceof Error && errand.reason.name === 'TimeoutError'
      ? 'the lookup took too long'
      : 'the lookup was cancelled';
  if (request.aborted) return `no answer within ${timeoutMs} ms`;
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `network error (${error instanceof Error ? error.message : String(error)}${cause})`;
}

/** One request, headers and body, within its deadline. */
async function getOnce(
  url: string,
  opts: BoundedGetOptions,
): Promise<GetOutcome | { kind: 'redirect'; status: number; location: string | null }> {
  const doFetch = opts.fetch ?? fetch;
  const request = deadline(opts.requestTimeoutMs, opts.signal);
  try {
    const res = await doFetch(url, { headers: opts.headers, redirect: 'manual', signal: request.signal });
    if (REDIRECTS.has(res.status)) {
      await res.body?.cancel().catch(() => undefined);
      return { kind: 'redirect', status: res.status, location: res.headers.get('location') };
    }
    if (res.status < 200 || res.status > 299) {
      await res.body?.cancel().catch(() => undefined);
      return { kind: 'response', status: res.status, headers: res.headers, url, body: null };
    }
    const body = await readCapped(res, opts.maxBodyBytes);
    if (typeof body !== 'string') return body;
    return { kind: 'response', status: res.status, headers: res.headers, url, body };
  } catch (e) {
    return failed(describe(e, request.signal, opts.signal, opts.requestTimeoutMs));
  } finally {
    request.release();
  }
}

/**
 * GETs `url`, following up to `maxRedirects` redirects that stay on its origin. A redirect
 * elsewhere, one too many, or one without a Location is a failure; so is a timeout, a network
 * error or an over-long body.
 */
export async function boundedGet(url: string, opts: BoundedGetOptions): Promise<GetOutcome> {
  const origin = new URL(url).origin;
  const giveUp = () => failed(describe(undefined, opts.signal, opts.signal, opts.requestTimeoutMs));
  let current = url;
  for (let hop = 0; ; hop++) {
    // A limiter kept in the database is waited for no longer than the errand allows.
    const refused = opts.beforeRequest ? await unlessAborted(opts.beforeRequest(), opts.signal, giveUp) : undefined;
    if (refused) return refused;
    if (opts.signal.aborted) return giveUp();
    const outcome = await getOnce(current, opts);
    if (outcome.kind !== 'redirect') return outcome;
    if (!outcome.location) return failed(`redirect ${outcome.status} without a Location`);
    let next: URL;
    try {
      next = new URL(outcome.location, current);
    } catch {
      return failed('redirect to an address that does not parse');
    }
    if (next.origin !== origin) return failed(`redirect to another host (${next.host}) refused`);
    if (hop >= opts.maxRedirects) return failed(`more than ${opts.maxRedirects} redirects`);
    current = next.href;
  }
}
