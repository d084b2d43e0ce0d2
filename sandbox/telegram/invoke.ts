// One way into every Bot API method, whichever door a call comes through (HTTP, a webhook's
// reply, the controller's invoke()): the token check, an injected failure if one is queued,
// the handler, Telegram's {ok, result} / {ok:false, error_code, description} envelope, and
// the call log that tests read.
import { ApiError, type Params } from './params.js';
import type { ApiCall, FailureSpec, TelegramResponse } from './types.js';

export interface CallContext {
  signal?: AbortSignal;
  /** Sets the `description` an ok answer carries (e.g. "Webhook was set"). */
  describe(description: string): void;
}

export type Handler = (p: Params, ctx: CallContext) => unknown;

export interface Invoker {
  invoke(
    method: string,
    params: Params,
    via: ApiCall['via'],
    auth?: { token: string; signal?: AbortSignal },
  ): Promise<TelegramResponse>;
  failNext(method: string, count?: number, spec?: FailureSpec): void;
  readonly calls: readonly ApiCall[];
  reset(): void;
}

export function createInvoker(opts: {
  handlers: Record<string, Handler>;
  /** When set, an HTTP call with any other token is refused. */
  token?: string;
  now: () => number;
  maxLoggedCalls: number;
  /** After every call, so waiters re-check. */
  changed: () => void;
}): Invoker {
  const { now, maxLoggedCalls, changed } = opts;
  const handlerByLowerName = new Map(Object.entries(opts.handlers).map(([name, run]) => [name.toLowerCase(), { name, run }]));
  let calls: ApiCall[] = [];
  let failures = new Map<string, FailureSpec[]>();

  function takeFailure(method: string): ApiError | undefined {
    for (const key of [method.toLowerCase(), '*']) {
      const queue = failures.get(key);
      const spec = queue?.shift();
      if (spec) {
        const retryAfter = spec.retry_after ?? (spec.status === 429 ? 1 : undefined);
        const description =
          spec.description ??
          (spec.status === 429
            ? `Too Many Requests: retry after ${retryAfter}`
            : spec.status === 502
              ? 'Bad Gateway'
              : spec.status === 400
                ? 'Bad Request'
                : spec.status === 403
                  ? 'Forbidden'
                  : 'Internal Server Error');
        return new ApiError(spec.status, description, retryAfter);
      }
    }
    return undefined;
  }

  return {
    get calls() {
      return calls;
    },

    async invoke(rawMethod, params, via, auth) {
      const entry = handlerByLowerName.get(rawMethod.toLowerCase());
      let response: TelegramResponse;
      try {
        if (auth && opts.token !== undefined && auth.token !== opts.token) throw new ApiError(401, 'Unauthorized');
        if (!entry) throw new ApiError(404, 'Not Found: method not found');
        const injected = takeFailure(entry.name);
        if (injected) throw injected;
        let description: string | undefined;
        const result = await entry.run(params, { signal: auth?.signal, describe: (d) => (description = d) });
        response = description === undefined ? { ok: true, result } : { ok: true, result, description };
      } catch (err) {
        if (err instanceof ApiError) {
          response = { ok: false, error_code: err.code, description: err.description };
          if (err.retryAfter !== undefined) response.parameters = { retry_after: err.retryAfter };
        } else {
          response = {
            ok: false,
            error_code: 500,
            description: `Internal Server Error: ${err instanceof Error ? err.message : String(err)}`,
          };
        }
      }
      const call: ApiCall = { method: entry?.name ?? rawMethod, params, at: now(), ok: response.ok, via };
      if (!response.ok) {
        call.error_code = response.error_code;
        call.description = response.description;
      }
      calls.push(call);
      if (calls.length > maxLoggedCalls) calls.splice(0, calls.length - maxLoggedCalls);
      changed();
      return response;
    },

    failNext(method, count = 1, spec = { status: 500 }) {
      if (!Number.isInteger(spec.status) || spec.status < 400 || spec.status > 599) {
        throw new Error(`failNext: status must be an HTTP error status (400-599), got ${spec.status}`);
      }
      const key = method === '*' ? '*' : method.toLowerCase();
      const queue = failures.get(key) ?? [];
      for (let k = 0; k < count; k++) queue.push({ ...spec });
      failures.set(key, queue);
    },

    reset() {
      calls = [];
      failures = new Map();
    },
  };
}
