// Which Chromium the browser tests drive. A person's own browser first (CHROMIUM_PATH, then the
// usual names on PATH, Debian's path, macOS's apps); otherwise the one @sparticuz/chromium ships
// inside its npm package (Linux x64), extracted to the temp directory on first use. So
// `npm install && npm test` is the whole set-up, and nothing is ever downloaded from outside the
// npm registry.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface FoundChromium {
  executablePath: string;
  /** Where it was found, for messages: "CHROMIUM_PATH", "PATH (chromium)", "@sparticuz/chromium"… */
  source: string;
}

export interface LookupDeps {
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  isExecutable(file: string): boolean;
}

const PATH_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];
const FIXED_PATHS: Partial<Record<NodeJS.Platform, string[]>> = {
  linux: ['/usr/bin/chromium'],
  darwin: ['/Applications/Google Chrome.app/Contents/MacOS/Google Chrome', '/Applications/Chromium.app/Contents/MacOS/Chromium'],
};

export function isExecutableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

const defaults = (): LookupDeps => ({ env: process.env, platform: process.platform, isExecutable: isExecutableFile });

/**
 * A Chromium installed on this machine, or undefined. CHROMIUM_PATH, when set, is the only
 * answer: pointing it at nothing is an error, never a quiet fall-back to another browser.
 */
export function findInstalledChromium(deps: LookupDeps = defaults()): FoundChromium | undefined {
  const explicit = deps.env.CHROMIUM_PATH;
  if (explicit) {
    if (!deps.isExecutable(explicit))
      throw new Error(
        `CHROMIUM_PATH is ${explicit}, which is not an executable file. Point it at a Chromium binary, or unset it to use the Chromium on PATH or the one @sparticuz/chromium ships.`,
      );
    return { executablePath: explicit, source: 'CHROMIUM_PATH' };
  }
  const dirs = (deps.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const name of PATH_NAMES) {
    for (const dir of dirs) {
      const file = path.join(dir, name);
      if (deps.isExecutable(file)) return { executablePath: file, source: `PATH (${name})` };
    }
  }
  for (const file of FIXED_PATHS[deps.platform] ?? []) {
    if (deps.isExecutable(file)) return { executablePath: file, source: file };
  }
  return undefined;
}

/** Whether @sparticuz/chromium has a binary for this machine (it ships Linux x64 only). */
export const bundledChromiumFits = (platform: NodeJS.Platform = process.platform, arch: string = process.arch) =>
  platform === 'linux' && arch === 'x64';

/**
 * The package's browser, extracted once. Two test files start at the same time on a fresh
 * machine, and the package writes /tmp/chromium in place and trusts any file already there: a
 * lock directory keeps a second process from launching a half-written binary, and a lock left by
 * a process that died mid-extraction means its file is incomplete.
 */
export async function bundledChromium(): Promise<{ executablePath: string; args: string[] }> {
  const { default: chromium } = await import('@sparticuz/chromium');
  const target = path.join(os.tmpdir(), 'chromium');
  const lock = path.join(os.tmpdir(), 'chromium.library-extract.lock');
  const deadline = Date.now() + 120_000;
  while (!fs.existsSync(target) || fs.existsSync(lock)) {
    try {
      fs.mkdirSync(lock);
    } catch {
      if (!lockHolderAlive(lock)) {
        fs.rmSync(target, { force: true });
        fs.rmSync(lock, { recursive: true, force: true });
      } else if (Date.now() > deadline) {
        throw new Error(`Gave up waiting for another process extracting Chromium to ${target} (lock ${lock}).`);
      }
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    try {
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      if (!fs.existsSync(target)) await chromium.executablePath();
    } finally {
      fs.rmSync(lock, { recursive: true, force: true });
    }
  }
  return { executablePath: await chromium.executablePath(), args: chromium.args };
}

function lockHolderAlive(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8'));
  } catch {
    // Taken a moment ago and its pid not written yet, unless that moment is long past.
    try {
      return Date.now() - fs.statSync(lock).mtimeMs < 10_000;
    } catch {
      return true; // the lock just went away
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
