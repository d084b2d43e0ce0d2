// npm run deps:graph — the house as its imports draw it: dependency-cruiser's JSON, collapsed to
// rooms (each wing of core/ a room of its own; the doors; the floors below them), printed as a
// Mermaid flowchart for docs/architecture.md. An edge is "some file here imports some file there".
import { execFileSync } from 'node:child_process';

const ROOTS = [
  'core',
  'api',
  'bot',
  'jobs',
  'sandbox',
  'db',
  'gateways',
  'media',
  'i18n',
  'scripts',
  'service.ts',
  'service-claims.ts',
  'main.ts',
  'config.ts',
  'logger.ts',
];

interface Module {
  source: string;
  dependencies: Array<{ resolved: string; coreModule: boolean; couldNotResolve: boolean; dependencyTypes: string[] }>;
}

const out = execFileSync(
  'npx',
  ['depcruise', '--config', '.dependency-cruiser.cjs', '--output-type', 'json', '--exclude', '^(tests|bench)/', ...ROOTS],
  { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
);
const { modules } = JSON.parse(out) as { modules: Module[] };

/** The room a file belongs to, or null for what is not ours (node_modules, built-ins). */
function room(file: string): string | null {
  if (file.startsWith('node_modules/') || !/\.(ts|js|mjs)$/.test(file)) return null;
  const parts = file.split('/');
  if (parts[0] === 'core') return parts.length > 2 ? `core/${parts[1]}` : 'core';
  if (parts.length === 1) return ['service.ts', 'service-claims.ts', 'main.ts'].includes(file) ? 'service' : 'config';
  return parts[0] ?? null;
}

/** Floors every room stands on: drawn as nodes, their edges left out (they would be every edge). */
const GROUND = new Set(['core/kernel', 'db', 'config']);

const edges = new Map<string, boolean>(); // "from --> to" → only type imports (a port named, no code run)
for (const m of modules) {
  const from = room(m.source);
  if (!from) continue;
  for (const d of m.dependencies) {
    if (d.coreModule || d.couldNotResolve) continue;
    const to = room(d.resolved);
    if (!to || to === from || GROUND.has(to)) continue;
    const key = `${from} --> ${to}`;
    const typeOnly = d.dependencyTypes.includes('type-only');
    edges.set(key, (edges.get(key) ?? true) && typeOnly);
  }
}
const id = (r: string) => r.replace('/', '_');
const label = (r: string) => (r === 'core' ? 'core/index' : r.startsWith('core/') ? r.slice(5) : r);
const rooms = [...new Set([...[...edges.keys()].flatMap((e) => e.split(' --> ')), ...GROUND])].sort();
const lines = ['flowchart TD'];
lines.push('  subgraph core');
for (const r of rooms.filter((r) => r.startsWith('core'))) lines.push(`    ${id(r)}[${label(r)}]`);
lines.push('  end');
for (const r of rooms.filter((r) => !r.startsWith('core'))) lines.push(`  ${id(r)}[${r}]`);
for (const [e, typeOnly] of [...edges].sort()) {
  const [a, b] = e.split(' --> ') as [string, string];
  lines.push(`  ${id(a)} ${typeOnly ? '-.->' : '-->'} ${id(b)}`);
}
console.log(lines.join('\n'));
