// Issue 11.22: the browser tests find the Chromium a person has, in a fixed order, and otherwise
// use the one @sparticuz/chromium ships in its npm package (never a download).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledChromiumFits, findInstalledChromium, type LookupDeps } from '../helpers/chromium.js';

const MAC_CHROME = '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome';
const MAC_CHROMIUM = '/Applications/Chromium.app/Contents/MacOS/Chromium';

/** A machine where exactly these files are executables. */
function machine(files: string[], env: Record<string, string> = {}, platform: NodeJS.Platform = 'linux'): LookupDeps {
  const set = new Set(files);
  return { env: { PATH: ['/opt/a', '/opt/b'].join(path.delimiter), ...env }, platform, isExecutable: (f) => set.has(f) };
}

const found = (deps: LookupDeps) => findInstalledChromium(deps)?.executablePath;

describe('where Chromium is looked for, in order', () => {
  it('CHROMIUM_PATH first, before anything on PATH', () => {
    expect(found(machine(['/x/my-chromium', '/opt/a/chromium'], { CHROMIUM_PATH: '/x/my-chromium' }))).toBe('/x/my-chromium');
  });

  it('CHROMIUM_PATH pointing at nothing is an error, not a quiet fall-back', () => {
    expect(() => findInstalledChromium(machine(['/opt/a/chromium'], { CHROMIUM_PATH: '/nope' }))).toThrow(
      /CHROMIUM_PATH is \/nope/,
    );
  });

  it('then chromium, chromium-browser, google-chrome, google-chrome-stable on PATH, by name first', () => {
    const all = ['/opt/b/chromium', '/opt/a/chromium-browser', '/opt/a/google-chrome', '/opt/a/google-chrome-stable'];
    expect(found(machine(all))).toBe('/opt/b/chromium');
    expect(found(machine(all.slice(1)))).toBe('/opt/a/chromium-browser');
    expect(found(machine(all.slice(2)))).toBe('/opt/a/google-chrome');
    expect(found(machine(all.slice(3)))).toBe('/opt/a/google-chrome-stable');
  });

  it('an earlier PATH directory wins for the same name', () => {
    expect(found(machine(['/opt/a/chromium', '/opt/b/chromium']))).toBe('/opt/a/chromium');
  });

  it("then Debian's /usr/bin/chromium when it is not on PATH", () => {
    expect(found(machine(['/usr/bin/chromium']))).toBe('/usr/bin/chromium');
  });

  it('then on macOS Google Chrome, then Chromium, from /Applications', () => {
    expect(found(machine([MAC_CHROME, MAC_CHROMIUM], {}, 'darwin'))).toBe(MAC_CHROME);
    expect(found(machine([MAC_CHROMIUM], {}, 'darwin'))).toBe(MAC_CHROMIUM);
    expect(found(machine([MAC_CHROME], {}, 'linux'))).toBeUndefined();
  });

  it("otherwise nothing installed: the npm package's browser, which exists for Linux x64 only", () => {
    expect(found(machine([]))).toBeUndefined();
    expect(bundledChromiumFits('linux', 'x64')).toBe(true);
    expect(bundledChromiumFits('linux', 'arm64')).toBe(false);
    expect(bundledChromiumFits('darwin', 'x64')).toBe(false);
  });
});
