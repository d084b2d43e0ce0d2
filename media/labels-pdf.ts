// Label sheets for copies: a PDF of sticky labels, each with a QR code of the copy's link (a phone at
// the shelf opens the copy card in the bot), the title, author, barcode and the library's name.
// Two sheet formats: A4 with 3×8 labels of 70×37 mm, edge to edge (the common 24-up sheet), and US
// Letter with Avery 5160's 3×10. `skip` leaves the first positions of the first sheet empty, for a
// sheet already partly used.
//
// Why it is drawn as it is:
// - The QR is vector (one filled rectangle per run of dark modules), so it prints sharp at any
//   resolution; it is at least 22 mm wide with its 4-module quiet zone inside those 22 mm, which a
//   phone reads from arm's length. A link annotation over it makes it clickable on screen too.
// - Text is set in DejaVu Sans, embedded (subset) from the dejavu-fonts-ttf package: PDF's built-in
//   Helvetica has no Cyrillic, and reading a system font would make the output depend on the machine.
// - The same input gives the same bytes: the document dates are fixed (pdfkit derives the file ID
//   from them) and nothing random goes in, so a sheet can be cached, compared or tested byte for byte.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';

export type LabelLayout = 'a4-3x8' | 'letter-3x10';

export interface Label {
  title: string;
  author: string;
  barcode: string;
  /** What the QR code holds (the copy's link). */
  url: string;
}

export interface LabelSheetInput {
  labels: readonly Label[];
  layout: LabelLayout;
  /** Labels already used at the start of the first sheet (0 to one sheet less one). */
  skip?: number;
  libraryName: string;
}

/** A sheet's geometry, in PDF points (1/72 inch), measured from the page's top-left corner. */
export interface LabelSheetGeometry {
  page: { width: number; height: number };
  columns: number;
  rows: number;
  label: { width: number; height: number };
  /** The first label's top-left corner. */
  left: number;
  top: number;
  /** Space between neighbouring labels. */
  gapX: number;
  gapY: number;
  /** The QR code's side, its quiet zone included. */
  qr: number;
  /** Space between a label's edge and what is printed on it. */
  padding: number;
  fonts: { title: number; text: number; small: number };
}

const MM = 72 / 25.4;
const INCH = 72;

export const LABEL_LAYOUTS: Readonly<Record<LabelLayout, LabelSheetGeometry>> = {
  // 3 × 70 mm fill the 210 mm width; 8 × 37 mm leave 0.5 mm above and below.
  'a4-3x8': {
    page: { width: 210 * MM, height: 297 * MM },
    columns: 3,
    rows: 8,
    label: { width: 70 * MM, height: 37 * MM },
    left: 0,
    top: 0.5 * MM,
    gapX: 0,
    gapY: 0,
    qr: 24 * MM,
    padding: 4 * MM,
    fonts: { title: 9, text: 7.5, small: 6.5 },
  },
  // Avery 5160: 2.625" × 1", 0.1875" side margins, 0.125" between columns, 0.5" top margin.
  'letter-3x10': {
    page: { width: 8.5 * INCH, height: 11 * INCH },
    columns: 3,
    rows: 10,
    label: { width: 2.625 * INCH, height: 1 * INCH },
    left: 0.1875 * INCH,
    top: 0.5 * INCH,
    gapX: 0.125 * INCH,
    gapY: 0,
    qr: 22 * MM,
    padding: 1.6 * MM,
    fonts: { title: 7.5, text: 6.5, small: 5.5 },
  },
};

export function labelsPerSheet(layout: LabelLayout): number {
  const g = LABEL_LAYOUTS[layout];
  return g.columns * g.rows;
}

/** The top-left corner of the label at `position` (0-based, row by row) on a sheet. */
export function labelOrigin(layout: LabelLayout, position: number): { x: number; y: number } {
  const g = LABEL_LAYOUTS[layout];
  const row = Math.floor(position / g.columns);
  const column = position % g.columns;
  return { x: g.left + column * (g.label.width + g.gapX), y: g.top + row * (g.label.height + g.gapY) };
}

const require = createRequire(import.meta.url);
let fonts: { regular: Buffer; bold: Buffer } | undefined;

/** DejaVu Sans from node_modules, read once per process. */
function dejaVu(): { regular: Buffer; bold: Buffer } {
  fonts ??= {
    regular: fs.readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf')),
    bold: fs.readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf')),
  };
  return fonts;
}

/** The document's dates, fixed so that the same labels give the same bytes. */
const FIXED_DATE = new Date(Date.UTC(2000, 0, 1));

/** Renders the labels onto as many sheets as they need. */
export async function renderLabelSheet(input: LabelSheetInput): Promise<Buffer> {
  const { labels, layout, libraryName } = input;
  const skip = input.skip ?? 0;
  const g = LABEL_LAYOUTS[layout];
  if (!g) throw new RangeError(`unknown label layout ${JSON.stringify(layout)}`);
  const perSheet = g.columns * g.rows;
  if (!Number.isInteger(skip) || skip < 0 || skip >= perSheet)
    throw new RangeError(`skip must be a whole number from 0 to ${perSheet - 1}`);
  if (labels.length === 0) throw new RangeError('no labels to print');

  const { regular, bold } = dejaVu();
  const doc = new PDFDocument({
    size: [g.page.width, g.page.height],
    margin: 0,
    autoFirstPage: false,
    info: {
      Title: `${clean(libraryName)}: labels`,
      Producer: 'PDFKit',
      Creator: 'telegram-lending-library',
      CreationDate: FIXED_DATE,
      ModDate: FIXED_DATE,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve, reject) => doc.on('end', resolve).on('error', reject));
  doc.registerFont('text', regular);
  doc.registerFont('title', bold);

  const footer = clean(libraryName);
  for (let i = 0; i < labels.length; i++) {
    const slot = skip + i;
    if (i === 0 || slot % perSheet === 0) {
      // A sheet takes some 30 ms of CPU: between sheets, the service's other work gets its turn.
      if (i > 0) await new Promise((resolve) => setImmediate(resolve));
      doc.addPage();
    }
    const { x, y } = labelOrigin(layout, slot % perSheet);
    const modules = QRCode.create(labels[i].url, { errorCorrectionLevel: 'M' }).modules;
    drawLabel(doc, g, x, y, labels[i], modules, footer);
  }
  doc.end();
  await ended;
  return Buffer.concat(chunks);
}

type Doc = InstanceType<typeof PDFDocument>;
type Modules = ReturnType<typeof QRCode.create>['modules'];

function drawLabel(doc: Doc, g: LabelSheetGeometry, x: number, y: number, label: Label, modules: Modules, footer: string): void {
  const qrX = x + g.padding;
  const qrY = y + (g.label.height - g.qr) / 2;
  drawQr(doc, modules, qrX, qrY, g.qr);
  doc.link(qrX, qrY, g.qr, g.qr, label.url);

  const textX = qrX + g.qr + g.padding / 2;
  const width = x + g.label.width - g.padding - textX;
  const top = y + g.padding;
  const bottom = y + g.label.height - g.padding;
  const line = (size: number) => size * 1.2;
  // Measured in the font and size set just before.
  const fitText = (text: string, lines: number) => fitLines(text, width, lines, (s) => doc.widthOfString(s));

  doc.font('title').fontSize(g.fonts.title);
  let cursor = top;
  for (const text of fitText(clean(label.title), 2)) {
    doc.text(text, textX, cursor, { lineBreak: false });
    cursor += line(g.fonts.title);
  }
  doc.font('text').fontSize(g.fonts.text);
  const [author] = fitText(clean(label.author), 1);
  if (author) doc.text(author, textX, cursor + 1, { lineBreak: false });

  // The barcode and the library's name sit at the bottom, whatever the title took.
  const footerY = bottom - line(g.fonts.small);
  const [barcode] = fitText(clean(label.barcode), 1);
  if (barcode) doc.text(barcode, textX, footerY - line(g.fonts.text), { lineBreak: false });
  doc.fontSize(g.fonts.small);
  const [name] = fitText(footer, 1);
  if (name) doc.text(name, textX, footerY, { lineBreak: false });
}

/**
 * The QR's dark modules as filled rectangles, one per horizontal run, inside a 4-module quiet
 * zone. The runs are written as one block of content in module units (a transform scales them),
 * not one drawing call each: 500 labels hold some 60,000 runs.
 */
function drawQr(doc: Doc, modules: Modules, x: number, y: number, side: number): void {
  const n = modules.size;
  const unit = side / (n + 8);
  let runs = '';
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; ) {
      if (!modules.get(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < n && modules.get(row, col)) col++;
      runs += `${start + 4} ${row + 4} ${col - start} 1 re\n`;
    }
  }
  doc.save().transform(unit, 0, 0, unit, x, y).fillColor('black');
  doc.addContent(`${runs}f`);
  doc.restore();
}

/** One line of plain text: NFC, control characters and runs of spaces made single spaces. */
function clean(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Zl}\p{Zp}\s]+/gu, ' ')
    .trim();
}

/**
 * Breaks `text` into at most `maxLines` lines no wider than `width`, at spaces where it can (a
 * word wider than a line is broken between characters); what does not fit ends the last line
 * with an ellipsis.
 */
export function fitLines(text: string, width: number, maxLines: number, measure: (s: string) => number): string[] {
  const words = text.split(' ').filter(Boolean);
  const lines: string[] = [];
  let line = '';
  let i = 0;
  while (i < words.length) {
    const candidate = line ? `${line} ${words[i]}` : words[i];
    if (measure(candidate) <= width) {
      line = candidate;
      i++;
    } else if (lines.length === maxLines - 1) {
      break;
    } else if (line) {
      lines.push(line);
      line = '';
    } else {
      const chars = Array.from(words[i]);
      const n = Math.max(1, longestFit(chars, width, measure, ''));
      lines.push(chars.slice(0, n).join(''));
      words[i] = chars.slice(n).join('');
    }
  }
  if (i < words.length) {
    const rest = Array.from([line, ...words.slice(i)].filter(Boolean).join(' '));
    line = `${rest
      .slice(0, longestFit(rest, width, measure, '…'))
      .join('')
      .trimEnd()}…`;
  }
  if (line) lines.push(line);
  return lines;
}

/** How many of `chars` fit in `width` followed by `suffix` (binary search: widths only grow). */
function longestFit(chars: string[], width: number, measure: (s: string) => number, suffix: string): number {
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (measure(chars.slice(0, mid).join('') + suffix) <= width) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
