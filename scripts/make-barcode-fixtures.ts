// npx tsx scripts/make-barcode-fixtures.ts — regenerates tests/fixtures/barcodes/: barcodes as a
// phone sees them, for tests/media/barcode-reader.test.ts. The committed images are what the tests
// read; this script only says how they were made (and remakes them: same bytes each run, the noise
// is seeded). The barcodes are drawn with zxing-wasm's writer, then photographed badly: set on a
// book cover, skewed in perspective, rotated, blurred, washed out, grainy and JPEG-compressed at
// quality 70, at phone resolution (3 MP; one at 12 MP for the timing test). sharp (a
// devDependency, prebuilt) does the image work; the perspective warp is done here by hand.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp, { type OverlayOptions } from 'sharp';
import { prepareZXingModule, writeBarcode } from 'zxing-wasm/writer';

const OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), '../tests/fixtures/barcodes');
const LABEL_URL = 'https://t.me/some_bot?start=c_C0000042';

const require = createRequire(import.meta.url);
const wasm = fs.readFileSync(require.resolve('zxing-wasm/writer/zxing_writer.wasm'));
prepareZXingModule({
  overrides: { wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer },
});

/** The 13th digit of an EAN-13 (weights 1, 3). */
function ean13(first12: string): string {
  const sum = [...first12].reduce((s, d, i) => s + Number(d) * (i % 2 ? 3 : 1), 0);
  return first12 + ((10 - (sum % 10)) % 10);
}

async function draw(text: string, format: 'EAN13' | 'QRCode'): Promise<Buffer> {
  const out = await writeBarcode(
    text,
    format === 'EAN13' ? { format, scale: 6, addHRT: true } : { format, scale: 10, options: 'ecLevel=M' },
  );
  if (!out.image) throw new Error(`zxing could not draw ${format} ${text}: ${out.error}`);
  return Buffer.from(await out.image.arrayBuffer());
}

/** Deterministic noise (mulberry32), so a regeneration gives the same bytes. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Placed {
  png: Buffer;
  width: number;
  x: number;
  y: number;
}

/** A book cover (a colour gradient with a few shapes) with white stickers holding the barcodes. */
async function cover(w: number, h: number, hue: string, placed: Placed[]): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${hue}"/><stop offset="1" stop-color="#20242c"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/>
    <circle cx="${w * 0.8}" cy="${h * 0.2}" r="${h * 0.15}" fill="#e8c547" opacity="0.7"/>
    <rect x="${w * 0.05}" y="${h * 0.05}" width="${w * 0.5}" height="${h * 0.04}" fill="#f4f1ea"/>
    <rect x="${w * 0.05}" y="${h * 0.11}" width="${w * 0.35}" height="${h * 0.025}" fill="#f4f1ea" opacity="0.8"/>
  </svg>`;
  const layers: OverlayOptions[] = [];
  for (const p of placed) {
    const meta = await sharp(p.png).metadata();
    const height = Math.round((p.width * meta.height!) / meta.width!);
    const img = await sharp(p.png).resize(p.width, height, { kernel: 'nearest' }).flatten({ background: '#ffffff' }).toBuffer();
    const pad = Math.round(p.width * 0.08);
    const sticker = await sharp({
      create: { width: p.width + 2 * pad, height: height + 2 * pad, channels: 3, background: '#fbfaf6' },
    })
      .composite([{ input: img, left: pad, top: pad }])
      .png()
      .toBuffer();
    layers.push({ input: sticker, left: Math.round(p.x - pad), top: Math.round(p.y - pad) });
  }
  return sharp(Buffer.from(svg)).composite(layers).removeAlpha().raw().toBuffer();
}

/** Solves the 8×8 system for the homography taking the points `from` to the points `to`. */
function homography(from: number[][], to: number[][]): number[] {
  const a: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const [x, y] = from[i];
    const [u, v] = to[i];
    a.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    a.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  }
  for (let c = 0; c < 8; c++) {
    let p = c;
    for (let r = c + 1; r < 8; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    [a[c], a[p]] = [a[p], a[c]];
    for (let r = 0; r < 8; r++) {
      if (r === c) continue;
      const f = a[r][c] / a[c][c];
      for (let k = c; k < 9; k++) a[r][k] -= f * a[c][k];
    }
  }
  return [...a.map((row, i) => row[8] / row[i]), 1];
}

/**
 * Perspective: the picture's corners move to `corners` (fractions of the size, clockwise from
 * top-left), as when the phone is held at an angle; what falls outside is the desk (grey).
 */
function warp(raw: Buffer, w: number, h: number, corners: number[][]): Buffer {
  const dst = corners.map(([x, y]) => [x * w, y * h]);
  const src = [
    [0, 0],
    [w, 0],
    [w, h],
    [0, h],
  ];
  const m = homography(dst, src);
  const out = Buffer.alloc(raw.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const d = m[6] * x + m[7] * y + m[8];
      const sx = (m[0] * x + m[1] * y + m[2]) / d;
      const sy = (m[3] * x + m[4] * y + m[5]) / d;
      const o = (y * w + x) * 3;
      if (sx < 0 || sy < 0 || sx >= w - 1 || sy >= h - 1) {
        out[o] = 96;
        out[o + 1] = 92;
        out[o + 2] = 88;
        continue;
      }
      const x0 = Math.floor(sx),
        y0 = Math.floor(sy),
        fx = sx - x0,
        fy = sy - y0;
      for (let c = 0; c < 3; c++) {
        const i = (y0 * w + x0) * 3 + c;
        const top = raw[i] * (1 - fx) + raw[i + 3] * fx;
        const bottom = raw[i + w * 3] * (1 - fx) + raw[i + w * 3 + 3] * fx;
        out[o + c] = Math.round(top * (1 - fy) + bottom * fy);
      }
    }
  }
  return out;
}

interface Shot {
  name: string;
  size: [number, number];
  placed: (w: number, h: number) => Promise<Placed[]>;
  hue?: string;
  corners?: number[][];
  rotate?: number;
  blur?: number;
  /** Contrast kept (1 = as printed): a dim room, a glossy cover. */
  contrast?: number;
  noise?: number;
  seed: number;
}

async function photograph(shot: Shot): Promise<Buffer> {
  const [w, h] = shot.size;
  let raw = await cover(w, h, shot.hue ?? '#7a2e3a', await shot.placed(w, h));
  if (shot.corners) raw = warp(raw, w, h, shot.corners);
  let img = sharp(raw, { raw: { width: w, height: h, channels: 3 } });
  if (shot.rotate) {
    const rotated = await img.rotate(shot.rotate, { background: '#605c58' }).raw().toBuffer({ resolveWithObject: true });
    const { width, height } = rotated.info;
    img = sharp(rotated.data, { raw: { width, height, channels: 3 } }).extract({
      left: (width - w) >> 1,
      top: (height - h) >> 1,
      width: w,
      height: h,
    });
    img = sharp(await img.raw().toBuffer(), { raw: { width: w, height: h, channels: 3 } });
  }
  if (shot.blur) img = sharp(await img.blur(shot.blur).raw().toBuffer(), { raw: { width: w, height: h, channels: 3 } });
  const k = shot.contrast ?? 1;
  let pixels = await img
    .linear(k, 128 * (1 - k) + 10)
    .raw()
    .toBuffer();
  if (shot.noise) {
    const rnd = prng(shot.seed);
    pixels = Buffer.from(pixels);
    for (let i = 0; i < pixels.length; i += 3) {
      const n = (rnd() + rnd() + rnd() - 1.5) * shot.noise;
      for (let c = 0; c < 3; c++) pixels[i + c] = Math.max(0, Math.min(255, pixels[i + c] + n));
    }
  }
  return sharp(pixels, { raw: { width: w, height: h, channels: 3 } })
    .jpeg({ quality: 70, chromaSubsampling: '4:2:0' })
    .toBuffer();
}

const MP3: [number, number] = [2000, 1500];
const ean =
  (digits: string, frac: number, fx = 0.3, fy = 0.4) =>
  async (w: number, h: number) => [{ png: await draw(digits, 'EAN13'), width: Math.round(w * frac), x: w * fx, y: h * fy }];
const qr =
  (frac: number, fx = 0.35, fy = 0.3) =>
  async (w: number, h: number) => [{ png: await draw(LABEL_URL, 'QRCode'), width: Math.round(w * frac), x: w * fx, y: h * fy }];

const SHOTS: Shot[] = [
  { name: 'isbn-rotated.jpg', size: MP3, placed: ean(ean13('978030640615'), 0.3), rotate: 25, blur: 1, noise: 10, seed: 1 },
  {
    name: 'isbn-perspective.jpg',
    size: MP3,
    placed: ean(ean13('978186197271'), 0.32),
    corners: [
      [0.06, 0.12],
      [0.9, 0],
      [1, 0.95],
      [0, 0.8],
    ],
    rotate: 6,
    blur: 1.2,
    noise: 10,
    seed: 2,
    hue: '#2e5a7a',
  },
  {
    name: 'isbn-blurred-low-contrast.jpg',
    size: MP3,
    placed: ean(ean13('979103230569'), 0.35),
    rotate: 12,
    blur: 2.2,
    contrast: 0.35,
    noise: 6,
    seed: 3,
    hue: '#5a7a2e',
  },
  { name: 'product-ean.jpg', size: MP3, placed: ean(ean13('400638133393'), 0.3), rotate: 8, blur: 1, noise: 8, seed: 4 },
  { name: 'label-qr-rotated.jpg', size: MP3, placed: qr(0.22), rotate: 30, blur: 1, noise: 10, seed: 5, hue: '#444444' },
  {
    name: 'label-qr-perspective.jpg',
    size: MP3,
    placed: qr(0.24),
    corners: [
      [0.1, 0.05],
      [0.85, 0.15],
      [0.95, 0.85],
      [0.02, 1],
    ],
    rotate: 5,
    blur: 1.2,
    noise: 10,
    seed: 6,
    hue: '#6b4f2a',
  },
  {
    name: 'label-qr-blurred-low-contrast.jpg',
    size: MP3,
    placed: qr(0.25),
    rotate: 18,
    blur: 1.8,
    contrast: 0.4,
    noise: 6,
    seed: 7,
    hue: '#3a3a5a',
  },
  {
    name: 'isbn-and-label-qr.jpg',
    size: MP3,
    seed: 8,
    rotate: 10,
    blur: 1,
    noise: 8,
    placed: async (w, h) => [...(await qr(0.18, 0.1, 0.45)(w, h)), ...(await ean(ean13('978014103614'), 0.28, 0.55, 0.5)(w, h))],
  },
  { name: 'no-barcode.jpg', size: MP3, placed: async () => [], rotate: 7, blur: 1, noise: 12, seed: 9, hue: '#8a5a9a' },
  {
    name: 'isbn-12mp.jpg',
    size: [4000, 3000],
    placed: ean(ean13('978014103614'), 0.28),
    corners: [
      [0.04, 0.06],
      [0.96, 0],
      [1, 1],
      [0, 0.92],
    ],
    rotate: 10,
    blur: 2,
    noise: 8,
    seed: 10,
    hue: '#7a6a2e',
  },
];

fs.mkdirSync(OUT, { recursive: true });
for (const shot of SHOTS) {
  const jpeg = await photograph(shot);
  fs.writeFileSync(path.join(OUT, shot.name), jpeg);
  console.log(`${shot.name}: ${shot.size.join('×')}, ${(jpeg.length / 1024).toFixed(0)} KiB`);
}
// A lossless screenshot of a label, as a PNG.
const screenshot = await sharp(await draw(LABEL_URL, 'QRCode'))
  .resize(330)
  .flatten({ background: '#ffffff' })
  .png()
  .toBuffer();
fs.writeFileSync(path.join(OUT, 'label-qr-screenshot.png'), screenshot);
// Refused before decoding: a text file, a JPEG cut short in its picture data, a real PNG of 30 MP.
fs.writeFileSync(path.join(OUT, 'not-an-image.txt'), 'ISBN 978-0-306-40615-7, typed instead of photographed\n');
const whole = fs.readFileSync(path.join(OUT, 'isbn-rotated.jpg'));
fs.writeFileSync(path.join(OUT, 'truncated.jpg'), whole.subarray(0, Math.floor(whole.length * 0.6)));
const big = await sharp({ create: { width: 6000, height: 5000, channels: 3, background: '#f0f0f0' } })
  .png({ compressionLevel: 9 })
  .toBuffer();
fs.writeFileSync(path.join(OUT, 'oversized-30mp.png'), big);
console.log(`oversized-30mp.png: 6000×5000, ${(big.length / 1024).toFixed(0)} KiB`);
