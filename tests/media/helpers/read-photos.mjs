// Plain JavaScript (it must run under plain node, for the compiled reader too), run by
// tests/media/barcode-offline.test.ts: node read-photos.mjs <barcode-reader module> <photo>…
// reads each photo with a fresh reader and prints the results as one JSON line.
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';

const [readerModule, ...photos] = process.argv.slice(2);
const { createBarcodeReader } = await import(pathToFileURL(readerModule).href);
const reader = createBarcodeReader();
const results = [];
for (const photo of photos) {
  results.push(await reader.read(fs.readFileSync(photo)).catch((err) => ({ error: err.code ?? err.message })));
}
await reader.close();
console.log(JSON.stringify(results));
