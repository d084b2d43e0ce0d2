// Barcode photos: ISBN barcodes and label QR codes as a phone sees them (tests/fixtures/barcodes,
// made by scripts/make-barcode-fixtures.ts: rotated, skewed, blurred, washed out, JPEG at phone
// resolution), decoded in a worker thread; what is no photo, or too big, or broken, is refused with
// a code before or instead of decoding.
import fs from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BarcodeReadError,
  type BarcodeReader,
  classifyBarcodes,
  createBarcodeReader,
  type ReadResult,
  spawnBarcodeWorker,
} from '../../media/barcode-reader.js';
import { readImageHeader } from '../../media/image-header.js';
import { stripedPng } from './helpers/png.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/barcodes');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name));
const LABEL_URL = 'https://t.me/some_bot?start=c_C0000042';

const readers: BarcodeReader[] = [];
function reader(options?: Parameters<typeof createBarcodeReader>[0]): BarcodeReader {
  const r = createBarcodeReader(options);
  readers.push(r);
  return r;
}
afterAll(async () => {
  await Promise.all(readers.map((r) => r.close()));
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(BarcodeReadError);
    return (err as BarcodeReadError).code;
  }
  throw new Error('the read was not refused');
}

/** A 25-megapixel picture of fine stripes: within the limits, and a few hundred ms of decoding. */
function slowPicture(): Buffer {
  const row = new Uint8Array(5000);
  let seed = 1;
  for (let x = 0; x < row.length; ) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const width = 1 + (seed % 4);
    row.fill(seed & 0x100 ? 0 : 255, x, x + width);
    x += width;
  }
  return stripedPng(row, 5000);
}

describe('photos a phone takes are read', () => {
  const shared = reader();
  const cases: Array<[string, ReadResult]> = [
    ['isbn-rotated.jpg', { kind: 'isbn', isbn13: '9780306406157' }],
    ['isbn-perspective.jpg', { kind: 'isbn', isbn13: '9781861972712' }],
    ['isbn-blurred-low-contrast.jpg', { kind: 'isbn', isbn13: '9791032305690' }],
    ['isbn-12mp.jpg', { kind: 'isbn', isbn13: '9780141036144' }],
    ['label-qr-rotated.jpg', { kind: 'qr', text: LABEL_URL }],
    ['label-qr-perspective.jpg', { kind: 'qr', text: LABEL_URL }],
    ['label-qr-blurred-low-contrast.jpg', { kind: 'qr', text: LABEL_URL }],
    ['label-qr-screenshot.png', { kind: 'qr', text: LABEL_URL }],
    // Both on one photo: the ISBN wins.
    ['isbn-and-label-qr.jpg', { kind: 'isbn', isbn13: '9780141036144' }],
    // An EAN-13 that is no ISBN (a product code), and a cover with no barcode at all.
    ['product-ean.jpg', { kind: 'none' }],
    ['no-barcode.jpg', { kind: 'none' }],
  ];
  it.each(cases)('%s', async (name, expected) => {
    expect(await shared.read(fixture(name))).toEqual(expected);
  });

  it("leaves the caller's bytes as they were (the worker gets a copy)", async () => {
    const bytes = fixture('label-qr-screenshot.png');
    const before = Buffer.from(bytes);
    await shared.read(bytes);
    expect(bytes.equals(before)).toBe(true);
  });
});

describe('what is refused, and why', () => {
  const shared = reader();
  it('a file that is no image: NOT_AN_IMAGE', async () => {
    expect(await codeOf(shared.read(fixture('not-an-image.txt')))).toBe('NOT_AN_IMAGE');
    expect(await codeOf(shared.read(new Uint8Array(0)))).toBe('NOT_AN_IMAGE');
    // A GIF is an image, but not one a phone sends as a photo.
    expect(await codeOf(shared.read(Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1')))).toBe('NOT_AN_IMAGE');
  });

  it('a JPEG cut short: CORRUPT', async () => {
    expect(await codeOf(shared.read(fixture('truncated.jpg')))).toBe('CORRUPT');
    expect(await codeOf(shared.read(fixture('isbn-rotated.jpg').subarray(0, 400)))).toBe('CORRUPT');
  });

  it('a PNG whose picture data is garbage: CORRUPT, from the decoder itself', async () => {
    const row = new Uint8Array(64).fill(255);
    const png = stripedPng(row, 64, { idat: Buffer.from('not deflate data, whatever the header says') });
    expect(readImageHeader(png)).toMatchObject({ ok: true, width: 64, height: 64 });
    expect(await codeOf(shared.read(png))).toBe('CORRUPT');
    // The worker survives it.
    expect(await shared.read(fixture('label-qr-screenshot.png'))).toEqual({ kind: 'qr', text: LABEL_URL });
  });

  it('more than 25 megapixels, from the header alone: TOO_LARGE', async () => {
    expect(readImageHeader(fixture('oversized-30mp.png'))).toMatchObject({ ok: true, kind: 'png', width: 6000, height: 5000 });
    const started = performance.now();
    expect(await codeOf(shared.read(fixture('oversized-30mp.png')))).toBe('TOO_LARGE');
    expect(performance.now() - started).toBeLessThan(50);
    // A JPEG's size is in its frame header: the 12 MP fixture passes at 25 MP, not at 10.
    expect(readImageHeader(fixture('isbn-12mp.jpg'))).toMatchObject({ ok: true, kind: 'jpeg', width: 4000, height: 3000 });
    expect(await codeOf(reader({ maxPixels: 10_000_000 }).read(fixture('isbn-12mp.jpg')))).toBe('TOO_LARGE');
  });

  it('more than 10 MB: TOO_LARGE', async () => {
    const big = Buffer.alloc(10 * 1024 * 1024 + 1);
    fixture('label-qr-screenshot.png').copy(big);
    expect(await codeOf(shared.read(big))).toBe('TOO_LARGE');
  });
});

describe('ISBN or QR', () => {
  it('an EAN-13 is an ISBN when it starts 978 or 979, but not 9790 (printed music); a QR comes after an ISBN', () => {
    expect(classifyBarcodes([{ format: 'EAN13', text: '9780306406157' }])).toEqual({ kind: 'isbn', isbn13: '9780306406157' });
    expect(classifyBarcodes([{ format: 'EAN13', text: '9791032305690' }])).toEqual({ kind: 'isbn', isbn13: '9791032305690' });
    expect(classifyBarcodes([{ format: 'EAN13', text: '9790230671187' }])).toEqual({ kind: 'none' });
    expect(classifyBarcodes([{ format: 'EAN13', text: '4006381333931' }])).toEqual({ kind: 'none' });
    expect(
      classifyBarcodes([
        { format: 'QRCode', text: 'x' },
        { format: 'EAN13', text: '9780306406157' },
      ]),
    ).toEqual({ kind: 'isbn', isbn13: '9780306406157' });
    expect(
      classifyBarcodes([
        { format: 'EAN13', text: '4006381333931' },
        { format: 'QRCode', text: 'x' },
      ]),
    ).toEqual({ kind: 'qr', text: 'x' });
  });
});

/** A stand-in worker: says it is ready, then hangs on every photo (a decoder stuck in a loop). */
const hangingWorker = () =>
  new Worker(
    "const { parentPort } = require('node:worker_threads'); parentPort.postMessage({ type: 'ready' }); parentPort.on('message', () => { for (;;); });",
    { eval: true },
  );
/** A stand-in worker that finds nothing, at once. */
const emptyWorker = () =>
  new Worker(
    "const { parentPort } = require('node:worker_threads'); parentPort.postMessage({ type: 'ready' }); parentPort.on('message', () => parentPort.postMessage({ type: 'result', barcodes: [] }));",
    { eval: true },
  );

describe('one photo at a time, each bounded in time', () => {
  it('a decode that runs past the limit fails with TIMEOUT, its worker is ended, and the next read gets a new one', async () => {
    const workers: Worker[] = [];
    const exited: number[] = [];
    const r = reader({
      timeoutMs: 300,
      spawnWorker: () => {
        const w = workers.length === 0 ? hangingWorker() : emptyWorker();
        const index = workers.push(w) - 1;
        w.on('exit', () => exited.push(index));
        return w;
      },
    });
    const started = performance.now();
    expect(await codeOf(r.read(fixture('label-qr-screenshot.png')))).toBe('TIMEOUT');
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(await r.read(fixture('label-qr-screenshot.png'))).toEqual({ kind: 'none' });
    expect(workers).toHaveLength(2);
    await expect.poll(() => exited).toContain(0);
    expect(exited).not.toContain(1);
  });

  it('the real decoder is bounded too: 25 MP of stripes against a 1 ms limit', async () => {
    expect(await codeOf(reader({ timeoutMs: 1 }).read(slowPicture()))).toBe('TIMEOUT');
  });

  it('reads queue: the second starts when the first is done, on the same worker', async () => {
    let spawned = 0;
    const r = reader({ spawnWorker: () => (spawned++, spawnBarcodeWorker()) });
    const results = await Promise.all([
      r.read(fixture('label-qr-rotated.jpg')),
      r.read(fixture('isbn-rotated.jpg')),
      r.read(fixture('not-an-image.txt')).catch((e) => e.code),
    ]);
    expect(results).toEqual([{ kind: 'qr', text: LABEL_URL }, { kind: 'isbn', isbn13: '9780306406157' }, 'NOT_AN_IMAGE']);
    expect(spawned).toBe(1);
  });

  it('an idle worker ends, and the next read starts another', async () => {
    let spawned = 0;
    const r = reader({ idleMs: 50, spawnWorker: () => (spawned++, emptyWorker()) });
    await r.read(fixture('label-qr-screenshot.png'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await r.read(fixture('label-qr-screenshot.png'));
    expect(spawned).toBe(2);
  });

  it('close() ends a read in flight and refuses later ones', async () => {
    const r = reader({ spawnWorker: hangingWorker });
    const pending = r.read(fixture('label-qr-screenshot.png'));
    const queued = r.read(fixture('label-qr-screenshot.png'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    await r.close();
    await expect(pending).rejects.toThrow(/closed/);
    await expect(queued).rejects.toThrow(/closed/);
    await expect(r.read(fixture('label-qr-screenshot.png'))).rejects.toThrow(/closed/);
  });
});

describe('a 12 MP photo', () => {
  it('decodes off the event loop, well under a second', async () => {
    const r = reader();
    const photo = fixture('isbn-12mp.jpg');
    const rssBefore = process.memoryUsage().rss;
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    const busyBefore = performance.eventLoopUtilization();
    let started = performance.now();
    expect(await r.read(photo)).toEqual({ kind: 'isbn', isbn13: '9780141036144' });
    const first = performance.now() - started;
    const rssAfter = process.memoryUsage().rss;
    started = performance.now();
    expect(await r.read(photo)).toEqual({ kind: 'isbn', isbn13: '9780141036144' });
    const second = performance.now() - started;
    const busy = performance.eventLoopUtilization(busyBefore).utilization;
    delay.disable();
    const maxDelay = delay.max / 1e6;
    console.log(
      `12 MP photo: first read ${first.toFixed(0)} ms (worker start included), then ${second.toFixed(0)} ms; ` +
        `event loop busy ${(busy * 100).toFixed(0)}% of the time, longest delay ${maxDelay.toFixed(1)} ms; ` +
        `RSS ${(rssBefore / 2 ** 20).toFixed(0)} → ${(rssAfter / 2 ** 20).toFixed(0)} MiB`,
    );
    // Decoding on this thread would keep the loop busy throughout, and stall it for the whole
    // decode. The delay bound is generous: on a loaded machine the scheduler alone delays timers.
    expect(busy).toBeLessThan(0.3);
    expect(maxDelay).toBeLessThan(150);
    expect(second).toBeLessThan(3_000);
  });
});
