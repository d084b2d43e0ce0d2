// No install-time telemetry: swagger-ui-dist depends on @scarf/scarf, whose postinstall script
// reports the install to scarf.sh. package.json turns it off (scarfSettings.enabled: false, which
// any npm honours) and denies the script (allowScripts, npm 11), so `npm install` neither runs it
// nor warns about it. The script itself is run here against a local listener standing in for
// scarf.sh, with the project's own package.json as the root package.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/entry-point.js';

const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
const SCARF = path.join(REPO, 'node_modules', '@scarf', 'scarf');

let server: http.Server;
let port: number;
const reports: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      reports.push(`${req.method} ${req.url} ${body}`);
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/**
 * Runs scarf's reportPostInstall as npm would run its postinstall, with the project's
 * package.json at the root of the tree npm ls would describe (root → swagger-ui-dist → scarf).
 * The tree is handed to scarf's own parser instead of running `npm ls` (slow and
 * machine-dependent); every decision after it is scarf's code.
 */
function runScarf(rootPackage: Record<string, unknown>): Promise<{ code: number | null; stderr: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scarf-'));
  const scarfVersion = JSON.parse(fs.readFileSync(path.join(SCARF, 'package.json'), 'utf8')).version;
  const swagger = JSON.parse(fs.readFileSync(path.join(REPO, 'node_modules', 'swagger-ui-dist', 'package.json'), 'utf8'));
  const tree = {
    name: rootPackage.name,
    version: rootPackage.version,
    path: REPO,
    scarfSettings: rootPackage.scarfSettings,
    dependencies: {
      'swagger-ui-dist': {
        name: 'swagger-ui-dist',
        version: swagger.version,
        path: path.join(REPO, 'node_modules', 'swagger-ui-dist'),
        scarfSettings: swagger.scarfSettings,
        dependencies: { '@scarf/scarf': { name: '@scarf/scarf', version: scarfVersion, path: SCARF } },
      },
    },
  };
  const script = `
    const report = require(${JSON.stringify(path.join(SCARF, 'report.js'))});
    const tree = ${JSON.stringify(JSON.stringify(tree))};
    report.tmpFileName = () => ${JSON.stringify(path.join(dir, 'history.log'))};
    report.getDependencyInfo = () => new Promise((resolve, reject) => report.processDependencyTreeOutput(resolve, reject)(null, tree, ''));
    report.reportPostInstall().then(() => process.exit(0), (e) => { console.error(String(e)); process.exit(0); });
  `;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    INIT_CWD: REPO,
    SCARF_LOCAL_PORT: String(port),
    npm_execpath: 'npm-cli.js',
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      fs.rmSync(dir, { recursive: true, force: true });
      resolve({ code, stderr });
    });
  });
}

describe('install-time telemetry is off', () => {
  it('package.json disables scarf and denies its install script', () => {
    expect(pkg.scarfSettings).toEqual({ enabled: false });
    expect(pkg.allowScripts['@scarf/scarf']).toBe(false);
  });

  it("scarf's report, run with this package.json, sends nothing", async () => {
    const { code, stderr } = await runScarf(pkg);
    expect(code).toBe(0);
    expect(stderr).toMatch(/Scarf has been disabled via a package.json|User has opted out/);
    expect(reports).toEqual([]);
  });

  it('the same report without the setting would have phoned home (the check above can fail)', async () => {
    reports.length = 0;
    const { scarfSettings: _off, ...without } = pkg;
    await runScarf(without);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatch(/^POST \/package-event\/install /);
  });
});
