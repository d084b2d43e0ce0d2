// The barcode reader never goes to the network (zxing-wasm would fetch its wasm from a CDN unless
// given the bytes), and its worker starts both ways the service runs: from the TypeScript sources
// (tsx, vitest) and compiled to JavaScript under plain node (npm start runs dist/). Each run is a
// child process with tests/media/helpers/no-network.cjs preloaded, which node passes on to worker
// threads: fetch and TCP connections there fail loudly.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const HELPERS = path.join(REPO, 'tests/media/helpers');
const PHOTOS = ['isbn-perspective.jpg', 'label-qr-rotated.jpg', 'no-barcode.jpg'].map((f) =>
  path.join(REPO, 'tests/fixtures/barcodes', f),
);
const EXPECTED = [
  { kind: 'isbn', isbn13: '9781861972712' },
  { kind: 'qr', text: 'https://t.me/some_bot?start=c_C0000042' },
  { kind: 'none' },
];

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: REPO, timeout: 90_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function offline(readerModule: string, loader: string[] = []) {
  return run([
    '--require',
    path.join(HELPERS, 'no-network.cjs'),
    ...loader,
    path.join(HELPERS, 'read-photos.mjs'),
    readerModule,
    ...PHOTOS,
  ]);
}

const builds: string[] = [];
afterAll(() => {
  for (const dir of builds) fs.rmSync(dir, { recursive: true, force: true });
});

describe('barcode reading offline', () => {
  it('from the sources (a worker that registers tsx itself): read, with no network attempt', async () => {
    const out = await offline(path.join(REPO, 'media/barcode-reader.ts'), ['--import', 'tsx']);
    expect(out.stderr).not.toMatch(/NETWORK ATTEMPT/);
    expect(out.code, out.stderr).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual(EXPECTED);
  }, 120_000);

  it('compiled, under plain node (the worker is the .js beside the reader): read, with no network attempt', async () => {
    // The files npm run build compiles: media/ is among them.
    const config = ts.getParsedCommandLineOfConfigFile(
      path.join(REPO, 'tsconfig.build.json'),
      {},
      { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
    );
    const built = config!.fileNames.map((f) => path.relative(REPO, f));
    expect(built).toEqual(
      expect.arrayContaining([
        'media/barcode-reader.ts',
        'media/barcode-worker.ts',
        'media/image-header.ts',
        'media/labels-pdf.ts',
      ]),
    );

    // Compiled with the build's options into a directory of its own under dist/ (ignored by git,
    // inside the repository so that node_modules and package.json's "type" apply), not into
    // dist/media itself, which other tests' builds write at the same time.
    fs.mkdirSync(path.join(REPO, 'dist'), { recursive: true });
    const out = fs.mkdtempSync(path.join(REPO, 'dist/.media-test-'));
    builds.push(out);
    const tsc = await run([
      path.join(REPO, 'node_modules/typescript/bin/tsc'),
      '--outDir',
      out,
      '--rootDir',
      REPO,
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--target',
      'es2022',
      '--lib',
      'es2023,dom',
      '--types',
      'node',
      '--strict',
      '--skipLibCheck',
      '--isolatedModules',
      '--esModuleInterop',
      path.join(REPO, 'media/barcode-reader.ts'),
      path.join(REPO, 'media/barcode-worker.ts'),
    ]);
    expect(tsc.code, tsc.stdout + tsc.stderr).toBe(0);
    expect(fs.readdirSync(path.join(out, 'media')).sort()).toEqual(['barcode-reader.js', 'barcode-worker.js', 'image-header.js']);

    const result = await offline(path.join(out, 'media/barcode-reader.js'));
    expect(result.stderr).not.toMatch(/NETWORK ATTEMPT/);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(EXPECTED);
  }, 180_000);
});
