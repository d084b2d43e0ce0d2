// The barcode reader's worker thread (started by media/barcode-reader.ts, never imported): ZXing-C++
// compiled to WebAssembly decodes one photo at a time, off the service's event loop. The wasm is
// read from the installed zxing-wasm package: left to itself the package would fetch it from a CDN,
// and the service must work offline and never depend on a third party at run time.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { parentPort } from 'node:worker_threads';
import { prepareZXingModule, type ReaderOptions, readBarcodes } from 'zxing-wasm/reader';

/** A barcode as the decoder saw it. */
export interface FoundBarcode {
  format: string;
  text: string;
}

export type WorkerRequest = { bytes: Uint8Array };

export type WorkerReply =
  | { type: 'ready' }
  /** Decoded; `loadError` when the image data itself could not be decoded. */
  | { type: 'result'; barcodes: FoundBarcode[]; loadError?: string }
  /** The decoder threw (a wasm trap): this thread exits after saying so, a new one takes over. */
  | { type: 'crashed'; message: string };

const OPTIONS: ReaderOptions = {
  formats: ['EAN13', 'QRCode'],
  tryHarder: true,
  tryRotate: true,
  tryInvert: false,
  maxNumberOfSymbols: 8,
};

if (!parentPort) throw new Error('media/barcode-worker runs as a worker thread (media/barcode-reader.ts starts it)');
const port = parentPort;

const require = createRequire(import.meta.url);
const file = fs.readFileSync(require.resolve('zxing-wasm/reader/zxing_reader.wasm'));
const wasmBinary = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer;
await prepareZXingModule({ overrides: { wasmBinary }, fireImmediately: true });

port.on('message', async ({ bytes }: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    const results = await readBarcodes(bytes, OPTIONS);
    const failed = results.find((r) => r.error);
    reply = {
      type: 'result',
      barcodes: results.filter((r) => r.isValid).map((r) => ({ format: r.format, text: r.text })),
      ...(failed ? { loadError: failed.error } : {}),
    };
  } catch (err) {
    port.postMessage({ type: 'crashed', message: err instanceof Error ? err.message : String(err) } satisfies WorkerReply);
    process.exit(1);
  }
  port.postMessage(reply);
});
port.postMessage({ type: 'ready' } satisfies WorkerReply);
