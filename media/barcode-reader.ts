// Barcodes from photos: a librarian photographs a book's ISBN barcode (intake by ISBN) or a copy's
// QR label (the copy card), and the service reads it. ZXing-C++ compiled to WebAssembly
// (zxing-wasm) decodes JPEG and PNG bytes; a 12-megapixel phone photo costs it a few hundred
// milliseconds of CPU, which on the service's own thread would stall every chat and request for as
// long, so decoding runs in a worker thread (media/barcode-worker.ts), one photo at a time, each
// bounded in time (a stuck decode ends its worker; the next read starts a fresh one). Photos are
// sized up from their headers first (media/image-header.ts) and refused above 10 MB or 25
// megapixels, so one photo cannot take the decoder's memory. The worker starts at the first read,
// and ends after a minute without work: its wasm memory, grown to the largest photo seen, goes with
// it. This module is below the doors: they map its error codes to their own answers.
import { Worker } from 'node:worker_threads';
import type { FoundBarcode, WorkerReply, WorkerRequest } from './barcode-worker.js';
import { readImageHeader } from './image-header.js';

/** What a photo holds: an ISBN (an EAN-13 978/979), else a QR code's text, else nothing we read. */
export type ReadResult = { kind: 'isbn'; isbn13: string } | { kind: 'qr'; text: string } | { kind: 'none' };

export type BarcodeReadErrorCode = 'TOO_LARGE' | 'NOT_AN_IMAGE' | 'CORRUPT' | 'TIMEOUT';

/** A photo the reader refuses, and why (the doors word each code for the user). */
export class BarcodeReadError extends Error {
  override readonly name = 'BarcodeReadError';
  constructor(
    readonly code: BarcodeReadErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface BarcodeReaderOptions {
  /** Longest decode before the worker is ended and the read fails with TIMEOUT. */
  timeoutMs?: number;
  /** Largest file accepted (TOO_LARGE beyond). */
  maxBytes?: number;
  /** Most pixels accepted, width × height from the header (TOO_LARGE beyond). */
  maxPixels?: number;
  /** The worker ends after this long without a read (it starts again at the next). */
  idleMs?: number;
  /** Starts the worker thread (tests stand in workers that hang or count their starts). */
  spawnWorker?: () => Worker;
}

export interface BarcodeReader {
  /** Decodes a JPEG or PNG photo; rejects with BarcodeReadError for a photo it refuses. */
  read(bytes: Uint8Array): Promise<ReadResult>;
  /** Ends the worker; reads still waiting fail, and later reads are refused. */
  close(): Promise<void>;
}

export const BARCODE_LIMITS = {
  timeoutMs: 5_000,
  maxBytes: 10 * 1024 * 1024,
  maxPixels: 25_000_000,
  idleMs: 60_000,
} as const;

/** The worker's start-up (compiling the wasm) is bounded apart from the decode it precedes. */
const STARTUP_TIMEOUT_MS = 15_000;

/** An EAN-13 is an ISBN when it starts 978 or 979 — but not 9790, which numbers printed music (ISMN). */
export function classifyBarcodes(found: readonly FoundBarcode[]): ReadResult {
  const isbn = found.find((b) => b.format === 'EAN13' && /^97[89]\d{10}$/.test(b.text) && !b.text.startsWith('9790'));
  if (isbn) return { kind: 'isbn', isbn13: isbn.text };
  const qr = found.find((b) => b.format === 'QRCode');
  if (qr) return { kind: 'qr', text: qr.text };
  return { kind: 'none' };
}

const FROM_SOURCES = import.meta.url.endsWith('.ts');

/**
 * The worker runs the same kind of file as this module: compiled JavaScript beside it in dist/
 * (npm start, plain node), or TypeScript from the sources (tsx, vitest). Node cannot load
 * TypeScript by itself, and tsx's loader does not carry over into worker threads (its `--import`
 * registration runs on the main thread only, so inheriting the flag is not enough): from the
 * sources the worker registers tsx itself before it imports the worker module.
 */
export function spawnBarcodeWorker(): Worker {
  if (!FROM_SOURCES) return new Worker(new URL('./barcode-worker.js', import.meta.url));
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const worker = JSON.stringify(new URL('./barcode-worker.ts', import.meta.url).href);
  return new Worker(`import(${tsx}).then(({ register }) => { register(); return import(${worker}); });`, { eval: true });
}

export function createBarcodeReader(options: BarcodeReaderOptions = {}): BarcodeReader {
  const { spawnWorker = spawnBarcodeWorker, ...rest } = options;
  const limits = { ...BARCODE_LIMITS, ...rest };
  let worker: Worker | undefined;
  let ready: Promise<void> | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let waiting = 0;
  let idleTimer: NodeJS.Timeout | undefined;
  let closed = false;

  function start(): Worker {
    const w = spawnWorker();
    worker = w;
    ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the barcode worker did not start in time')), STARTUP_TIMEOUT_MS);
      const settle = () => {
        clearTimeout(timer);
        w.off('message', onReady).off('error', onError).off('exit', onExit);
      };
      const onReady = (m: WorkerReply) => {
        if (m.type !== 'ready') return;
        settle();
        resolve();
      };
      const onError = (err: Error) => {
        settle();
        reject(new Error(`the barcode worker failed to start: ${err.message}`));
      };
      const onExit = (code: number) => {
        settle();
        reject(new Error(`the barcode worker exited while starting (code ${code})`));
      };
      w.on('message', onReady).on('error', onError).on('exit', onExit);
    });
    w.on('exit', () => {
      if (worker === w) worker = undefined;
    });
    // A worker that dies later reports through the read in flight (decode below); none in flight, nothing to say.
    w.on('error', () => {});
    return w;
  }

  function stop(w: Worker): Promise<number> {
    if (worker === w) worker = undefined;
    return w.terminate();
  }

  async function decode(bytes: Uint8Array): Promise<FoundBarcode[]> {
    const w = worker ?? start();
    w.ref();
    try {
      await ready;
    } catch (err) {
      await stop(w);
      throw closed ? new Error('the barcode reader was closed') : err;
    }
    return new Promise<FoundBarcode[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        done();
        void stop(w);
        reject(new BarcodeReadError('TIMEOUT', `decoding took longer than ${limits.timeoutMs} ms`));
      }, limits.timeoutMs);
      const done = () => {
        clearTimeout(timer);
        w.off('message', onMessage).off('error', onError).off('exit', onExit);
        w.unref();
      };
      const onMessage = (m: WorkerReply) => {
        if (m.type === 'result') {
          done();
          if (m.loadError) reject(new BarcodeReadError('CORRUPT', `the image could not be decoded: ${m.loadError}`));
          else resolve(m.barcodes);
        } else if (m.type === 'crashed') {
          done();
          void stop(w);
          reject(new BarcodeReadError('CORRUPT', `the decoder failed on this image: ${m.message}`));
        }
      };
      const onError = (err: Error) => {
        done();
        void stop(w);
        reject(new Error(`the barcode worker failed: ${err.message}`));
      };
      const onExit = () => {
        done();
        reject(new Error(closed ? 'the barcode reader was closed' : 'the barcode worker exited'));
      };
      w.on('message', onMessage).on('error', onError).on('exit', onExit);
      w.postMessage({ bytes } satisfies WorkerRequest, [bytes.buffer as ArrayBuffer]);
    });
  }

  function check(bytes: Uint8Array): void {
    if (!(bytes instanceof Uint8Array)) throw new TypeError('read() takes the photo as a Uint8Array');
    if (bytes.length > limits.maxBytes)
      throw new BarcodeReadError('TOO_LARGE', `the file is ${bytes.length} bytes, more than ${limits.maxBytes}`);
    const header = readImageHeader(bytes);
    if (!header.ok) throw new BarcodeReadError(header.problem, header.message);
    const pixels = header.width * header.height;
    if (pixels > limits.maxPixels) {
      throw new BarcodeReadError(
        'TOO_LARGE',
        `the image is ${header.width}×${header.height} (${(pixels / 1e6).toFixed(1)} MP), more than ${limits.maxPixels / 1e6} MP`,
      );
    }
  }

  function afterRead() {
    waiting--;
    if (waiting > 0 || closed || !worker) return;
    const w = worker;
    idleTimer = setTimeout(() => void stop(w), limits.idleMs);
    idleTimer.unref();
  }

  return {
    read(bytes) {
      if (closed) return Promise.reject(new Error('the barcode reader was closed'));
      try {
        check(bytes);
      } catch (err) {
        return Promise.reject(err);
      }
      // Our own copy, moved to the worker without another: the caller's buffer stays theirs.
      const copy = new Uint8Array(bytes);
      waiting++;
      clearTimeout(idleTimer);
      const job = queue.then(() => (closed ? Promise.reject(new Error('the barcode reader was closed')) : decode(copy)));
      queue = job.catch(() => {});
      return job.then(classifyBarcodes).finally(afterRead);
    },
    async close() {
      closed = true;
      clearTimeout(idleTimer);
      if (worker) await stop(worker);
    },
  };
}
