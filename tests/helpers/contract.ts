// Checks answers against the published OpenAPI document (/api/openapi.json): the document is the
// contract (SPEC §10), so answers are validated against what it says — its JSON Schemas turned
// into zod with zod's own fromJSONSchema (no new dependency) — not against the route code.
import { z } from 'zod';
import type { ApiResponse } from './api.js';

type Json = Record<string, unknown>;
interface Operation {
  method: string;
  path: string;
  operationId?: string;
  responses: Record<string, { content?: Record<string, { schema?: Json }> }>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/**
 * `#/components/schemas/X` → `#/$defs/X`, and every object that lists its properties refuses
 * others: an answer carrying a field the document does not name is a mismatch too (that is how
 * a leaked `user_id` would show).
 */
function prepare(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(prepare);
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) {
    out[k] = k === '$ref' && typeof v === 'string' ? v.replace('#/components/schemas/', '#/$defs/') : prepare(v);
  }
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  // Annotations that fromJSONSchema would carry as metadata only.
  delete out.example;
  return out;
}

export function createContract(doc: Json) {
  const defs = prepare((doc.components as Json | undefined)?.schemas ?? {}) as Json;
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
    for (const method of METHODS) {
      const op = item[method] as Omit<Operation, 'method' | 'path'> | undefined;
      if (op) operations.push({ ...op, method: method.toUpperCase(), path });
    }
  }
  const byId = new Map(operations.filter((o) => o.operationId).map((o) => [o.operationId!, o]));
  const schemas = new Map<string, z.ZodType>();
  const covered = new Set<string>();

  function schemaFor(op: Operation, status: string, json: Json): z.ZodType {
    const key = `${op.operationId} ${status}`;
    let s = schemas.get(key);
    if (!s) {
      s = z.fromJSONSchema({ ...(prepare(json) as Json), $defs: defs } as Parameters<typeof z.fromJSONSchema>[0]);
      schemas.set(key, s);
    }
    return s;
  }

  /** Problems with this answer under that operation; empty when it matches the document. */
  function problems(operationId: string, res: ApiResponse): string[] {
    const op = byId.get(operationId);
    if (!op) return [`no operation ${operationId} in the document`];
    const status = String(res.status);
    const documented = op.responses[status];
    if (!documented)
      return [`${operationId} answered ${status}, which is not documented (documented: ${Object.keys(op.responses).join(', ')})`];
    covered.add(`${operationId} ${status}`);
    const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
    const content = documented.content ?? {};
    if (!type || res.text === '') {
      return Object.keys(content).length === 0
        ? []
        : [`${operationId} ${status} answered no body; documented ${Object.keys(content).join(', ')}`];
    }
    const media = content[type];
    if (!media) return [`${operationId} ${status} answered ${type}; documented ${Object.keys(content).join(', ') || 'no body'}`];
    if (type !== 'application/json' || !media.schema) return [];
    const parsed = schemaFor(op, status, media.schema).safeParse(res.body);
    return parsed.success
      ? []
      : parsed.error.issues.map((i) => `${operationId} ${status} ${i.path.join('.') || '(root)'}: ${i.message}`);
  }

  return {
    operations,
    problems,
    /** Documented (operationId, status) pairs no answer has been checked against yet. */
    uncovered: () =>
      operations.flatMap((o) => Object.keys(o.responses).map((s) => `${o.operationId} ${s}`)).filter((k) => !covered.has(k)),
    covered: () => [...covered],
  };
}
