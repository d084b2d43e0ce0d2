// Stripe's wire format in: form-encoded bodies and queries with bracketed keys, as stripe-node
// sends them (`a[b][0][c]=v`, brackets unescaped or %5B/%5D), decoded into nested objects and
// arrays; then typed readers over them that refuse what Stripe refuses, and list answers out.
import { invalid, missing } from './errors.js';
import type { FormObject, FormValue } from './types.js';

const FORBIDDEN_KEYS = new Set(['__proto__', 'prototype', 'constructor']);

/** Parses a Stripe form-encoded string into nested objects and arrays. */
export function parseStripeForm(raw: string): FormObject {
  const root: FormObject = {};
  for (const [fullKey, value] of new URLSearchParams(raw)) {
    const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(fullKey);
    if (!m) continue;
    const path = [m[1]!, ...[...m[2]!.matchAll(/\[([^[\]]*)\]/g)].map((x) => x[1]!)];
    if (path.some((p) => FORBIDDEN_KEYS.has(p))) continue;
    let node: Record<string, FormValue> = root;
    for (let i = 0; i < path.length; i++) {
      let seg = path[i]!;
      if (seg === '') seg = String(Object.keys(node).length); // `a[]=x` appends
      if (i === path.length - 1) {
        node[seg] = value;
      } else {
        const next = node[seg];
        if (typeof next !== 'object' || next === null) node[seg] = {};
        node = node[seg] as Record<string, FormValue>;
      }
    }
  }
  return arraysFromIndexedObjects(root) as FormObject;
}

function arraysFromIndexedObjects(v: FormValue): FormValue {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(arraysFromIndexedObjects);
  const keys = Object.keys(v);
  if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) {
    const idx = keys.map(Number).sort((a, b) => a - b);
    if (idx.every((n, i) => n === i)) return idx.map((n) => arraysFromIndexedObjects(v[String(n)]!));
  }
  const out: FormObject = {};
  for (const k of keys) out[k] = arraysFromIndexedObjects(v[k]!);
  return out;
}

export const isObj = (v: FormValue | undefined): v is FormObject => typeof v === 'object' && v !== null && !Array.isArray(v);

export function str(params: FormObject, key: string, path = key): string | undefined {
  const v = params[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string')
    throw invalid(`Invalid string: ${path} must be a string.`, { code: 'parameter_invalid_string', param: path });
  return v;
}

export function int(params: FormObject, key: string, path = key): number | undefined {
  const v = str(params, key, path);
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v) || !Number.isSafeInteger(Number(v))) {
    throw invalid(`Invalid integer: ${v}`, { code: 'parameter_invalid_integer', param: path });
  }
  return Number(v);
}

export function rejectUnknown(params: FormObject, allowed: readonly string[], prefix = '') {
  for (const k of Object.keys(params)) {
    if (!allowed.includes(k)) {
      const p = prefix ? `${prefix}[${k}]` : k;
      throw invalid(`Received unknown parameter: ${p}`, { code: 'parameter_unknown', param: p });
    }
  }
}

export function metadataParam(v: FormValue | undefined, param: string): Record<string, string> {
  if (v === undefined || v === '') return {};
  if (!isObj(v)) throw invalid(`Invalid object: ${param} must be a hash of strings.`, { param });
  const out: Record<string, string> = {};
  const keys = Object.keys(v);
  if (keys.length > 50) throw invalid('Metadata can have at most 50 keys.', { param });
  for (const k of keys) {
    const val = v[k];
    if (typeof val !== 'string')
      throw invalid(`Invalid value for ${param}[${k}]: must be a string.`, { param: `${param}[${k}]` });
    if (k.length > 40) throw invalid(`Metadata keys can be at most 40 characters: ${k}`, { param: `${param}[${k}]` });
    if (val.length > 500)
      throw invalid(`Metadata values can be at most 500 characters (${param}[${k}]).`, { param: `${param}[${k}]` });
    if (val !== '') out[k] = val;
  }
  return out;
}

export function urlParam(params: FormObject, key: string): string {
  const v = str(params, key);
  if (v === undefined || v === '') throw missing(key);
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw invalid('Not a valid URL', { code: 'url_invalid', param: key });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw invalid('Not a valid URL', { code: 'url_invalid', param: key });
  return v;
}

export function listParams(query: FormObject): { limit: number } {
  const limit = int(query, 'limit') ?? 10;
  if (limit < 1 || limit > 100) throw invalid('Invalid limit: must be between 1 and 100', { param: 'limit' });
  return { limit };
}

export const list = <T>(url: string, all: T[], limit: number) => ({
  object: 'list' as const,
  data: all.slice(0, limit),
  has_more: all.length > limit,
  url,
});
