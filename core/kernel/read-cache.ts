// Recent catalogue answers in memory, never older than the last commit anywhere (SPEC §10) and
// never bigger than a byte budget, whatever keys (cursors, searches) strangers send.

export interface ReadCacheOptions {
  /**
   * Freshness: checked on every read; entries loaded under an earlier value are dropped.
   * Must grow with every commit (see db/change-token.ts).
   */
  token: () => number | Promise<number>;
  /** How long an entry is kept at most (memory, not freshness: the token decides that). */
  ttlMs: number;
  /** Budget for all entries, by the estimate below; the oldest go first. */
  maxBytes: number;
  now?: () => number;
}

interface Entry {
  value: Promise<unknown>;
  bytes: number;
  expires: number;
}

// A Map entry, its key and a settled promise cost about this much before the value itself.
const ENTRY_OVERHEAD_BYTES = 200;

/**
 * What an entry holds, in bytes: its key and value as UTF-16 JSON plus the overhead. A JS object
 * costs about as much as its JSON text in UTF-16 (numbers, short strings), so the budget bounds
 * the heap the cache can take within a small factor.
 */
export const estimateBytes = (key: string, value: unknown): number =>
  ENTRY_OVERHEAD_BYTES + 2 * (key.length + (JSON.stringify(value)?.length ?? 0));

export function createReadCache(opts: ReadCacheOptions) {
  const now = opts.now ?? Date.now;
  // Insertion order is load order, so the oldest entries (first to expire, first to evict) lead.
  const entries = new Map<string, Entry>();
  let bytes = 0;
  let entriesToken = -Infinity;

  function drop(key: string, e: Entry) {
    entries.delete(key);
    bytes -= e.bytes;
  }

  function clear() {
    entries.clear();
    bytes = 0;
  }

  /** Expired entries go: from the front, where the oldest are. */
  function sweep(at: number) {
    for (const [key, e] of entries) {
      if (e.expires > at) break;
      drop(key, e);
    }
  }

  function evict() {
    for (const [key, e] of entries) {
      if (bytes <= opts.maxBytes) break;
      drop(key, e);
    }
  }

  const cache = {
    invalidate: clear,

    /**
     * The entry under key, or load()'s answer (kept while the token stays). `beforeLoad` runs
     * only when load() is about to run for this caller, before anything is shared: a refusal
     * there (a throttle) is this caller's alone, never handed to others asking for the same key.
     */
    async get<T>(key: string, load: () => Promise<T>, beforeLoad?: () => Promise<void>): Promise<T> {
      // Read before loading: a commit after this point moves the token past the entry's tag.
      const token = await opts.token();
      if (token > entriesToken) {
        clear();
        entriesToken = token;
      } else if (token < entriesToken) {
        // A request that read the token before a newer one arrived: fresh enough to load, too old to keep.
        await beforeLoad?.();
        return load();
      }
      const at = now();
      sweep(at);
      const hit = entries.get(key);
      if (hit) return hit.value as Promise<T>;
      if (beforeLoad) {
        await beforeLoad();
        // Asked anew: another caller may have loaded it meanwhile, or a commit moved the token.
        return cache.get(key, load);
      }
      const value = load();
      const entry: Entry = { value, bytes: estimateBytes(key, undefined), expires: at + opts.ttlMs };
      entries.set(key, entry);
      bytes += entry.bytes;
      evict();
      value.then(
        (v) => {
          if (entries.get(key) !== entry) return;
          const size = estimateBytes(key, v);
          bytes += size - entry.bytes;
          entry.bytes = size;
          evict();
        },
        // A failed read (a 404, a bad cursor) is not remembered.
        () => {
          if (entries.get(key) === entry) drop(key, entry);
        },
      );
      return value;
    },

    /** What it holds now (tests, diagnostics). */
    stats: () => ({ entries: entries.size, bytes }),
  };
  return cache;
}
