// Files shipped beside the sources (the Fluent catalogues, the sandbox's page and its assets) are
// read from the source tree, whether the code runs as TypeScript (tsx, vitest) or compiled to
// dist/ (npm start): the build copies nothing, so an edited asset is never served stale.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** The compiled tree (tsconfig.build.json's outDir), when this module runs from it. */
const DIST = path.basename(HERE) === 'dist' ? HERE : undefined;
const ROOT = DIST ? path.dirname(DIST) : HERE;

/** The path of `relative` beside the module at `moduleUrl` (its import.meta.url), in the source tree. */
export function sourcePath(moduleUrl: string, relative: string): string {
  const file = fileURLToPath(new URL(relative, moduleUrl));
  if (!DIST || !file.startsWith(DIST + path.sep)) return file;
  return path.join(ROOT, path.relative(DIST, file)) + (relative.endsWith('/') ? path.sep : '');
}
