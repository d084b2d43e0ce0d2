// A throwaway PostgreSQL cluster for the benchmark: Debian's server binaries, a temp directory,
// an unprivileged user when we are root (PostgreSQL refuses to run as root), a free port on
// loopback. Undefined, with the reason, when the binaries are not installed.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface Cluster {
  url: string;
  version: string;
  stop(): void;
}

function serverBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return undefined;
  const versions = fs
    .readdirSync(root)
    .filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], 'bin') : undefined;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

export async function startCluster(): Promise<Cluster | { missing: string }> {
  const bin = serverBin();
  if (!bin) return { missing: 'no PostgreSQL server binaries under /usr/lib/postgresql (Debian: apt-get install postgresql)' };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'library-bench-pg-'));
  const root = process.getuid?.() === 0;
  if (root) fs.chownSync(dir, 65534, 65534);
  const run = (cmd: string, args: string[]) =>
    execFileSync(root ? 'runuser' : cmd, root ? ['-u', 'nobody', '--', cmd, ...args] : args, {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const port = await freePort();
  const data = path.join(dir, 'data');
  run(path.join(bin, 'initdb'), ['-D', data, '--locale=C.UTF-8', '-U', 'postgres', '--auth=trust']);
  // Settings for a benchmark on a small machine: durability off (a throwaway), memory for sorts
  // and the GIN build of a million books.
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=512MB -c maintenance_work_mem=512MB -c work_mem=32MB -c max_connections=200`;
  run(path.join(bin, 'pg_ctl'), ['-D', data, '-w', '-l', path.join(dir, 'server.log'), '-o', opts, 'start']);
  const version = execFileSync(path.join(bin, 'postgres'), ['--version']).toString().trim();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    version,
    stop() {
      try {
        run(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
