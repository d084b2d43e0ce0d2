// Tiny cover pictures for the fake Open Library, made in code so no binary sits in the
// repository: a baseline JPEG (what covers.openlibrary.org serves) built from flat 8×8 blocks.
// A flat block has only its DC coefficient, so the whole encoder is the DC difference per block
// and an end-of-block code — far from a general encoder, and all a placeholder cover needs.

type Rgb = readonly [number, number, number];

/** Canonical Huffman codes (as JPEG builds them) from the count of codes of each length 1…16. */
function huffmanCodes(bits: readonly number[], values: readonly number[]): Map<number, { code: number; length: number }> {
  const codes = new Map<number, { code: number; length: number }>();
  let code = 0;
  let k = 0;
  for (let length = 1; length <= 16; length++) {
    for (let i = 0; i < bits[length - 1]; i++) codes.set(values[k++], { code: code++, length });
    code <<= 1;
  }
  return codes;
}

// The standard luminance DC table (ITU T.81 Annex K), for every component.
const DC_BITS = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
const DC_VALUES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
// An AC table with one code: end-of-block, as every block here is flat.
const AC_BITS = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
const AC_VALUES = [0x00];
const DC_CODES = huffmanCodes(DC_BITS, DC_VALUES);
const EOB = huffmanCodes(AC_BITS, AC_VALUES).get(0x00)!;

class BitWriter {
  readonly bytes: number[] = [];
  private acc = 0;
  private count = 0;
  write(value: number, length: number): void {
    for (let i = length - 1; i >= 0; i--) {
      this.acc = (this.acc << 1) | ((value >> i) & 1);
      if (++this.count === 8) {
        this.bytes.push(this.acc);
        // A 0xFF inside entropy-coded data is followed by a zero byte, or it would read as a marker.
        if (this.acc === 0xff) this.bytes.push(0x00);
        this.acc = 0;
        this.count = 0;
      }
    }
  }
  /** Pads the last byte with one-bits, as the standard asks. */
  flush(): void {
    while (this.count !== 0) this.write(1, 1);
  }
}

const segment = (marker: number, body: number[]) => [0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body];
const u16 = (n: number) => [n >> 8, n & 0xff];

const toYCbCr = ([r, g, b]: Rgb): [number, number, number] => [
  0.299 * r + 0.587 * g + 0.114 * b,
  128 - 0.168736 * r - 0.331264 * g + 0.5 * b,
  128 + 0.5 * r - 0.418688 * g - 0.081312 * b,
];

/**
 * A JPEG of `blocksWide`×`blocksHigh` flat 8×8 blocks, block (x, y) coloured `colourAt(x, y)`.
 * With a quantisation table of ones, a flat block of level v has DC coefficient 8·(v − 128).
 */
export function flatBlockJpeg(blocksWide: number, blocksHigh: number, colourAt: (x: number, y: number) => Rgb): Uint8Array {
  const writer = new BitWriter();
  const previous = [0, 0, 0];
  for (let y = 0; y < blocksHigh; y++) {
    for (let x = 0; x < blocksWide; x++) {
      const levels = toYCbCr(colourAt(x, y));
      for (let c = 0; c < 3; c++) {
        const dc = 8 * (Math.round(Math.min(255, Math.max(0, levels[c]))) - 128);
        const diff = dc - previous[c];
        previous[c] = dc;
        const magnitude = Math.abs(diff);
        const category = magnitude === 0 ? 0 : Math.floor(Math.log2(magnitude)) + 1;
        const { code, length } = DC_CODES.get(category)!;
        writer.write(code, length);
        if (category > 0) writer.write(diff > 0 ? diff : diff + (1 << category) - 1, category);
        writer.write(EOB.code, EOB.length);
      }
    }
  }
  writer.flush();
  const components = [1, 2, 3];
  return Uint8Array.from([
    0xff,
    0xd8,
    ...segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0x00, 1, 1, 0, ...u16(1), ...u16(1), 0, 0]),
    ...segment(0xdb, [0x00, ...new Array<number>(64).fill(1)]),
    ...segment(0xc0, [8, ...u16(blocksHigh * 8), ...u16(blocksWide * 8), 3, ...components.flatMap((id) => [id, 0x11, 0])]),
    ...segment(0xc4, [0x00, ...DC_BITS, ...DC_VALUES]),
    ...segment(0xc4, [0x10, ...AC_BITS, ...AC_VALUES]),
    ...segment(0xda, [3, ...components.flatMap((id) => [id, 0x00]), 0, 63, 0]),
    ...writer.bytes,
    0xff,
    0xd9,
  ]);
}

/** A plausible colour from a number (a cover id): saturated enough to tell covers apart. */
export function colourFor(seed: number): Rgb {
  const hue = (seed * 137.508) % 360;
  const f = (n: number) => {
    const k = (n + hue / 30) % 12;
    return Math.round(255 * (0.45 - 0.35 * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

/**
 * A 64×96 cover (the medium size's 2:3) in the colour of `seed`: a pale title band near the top
 * and a dark strip at the foot, so it reads as a book cover at a glance.
 */
export function coverJpeg(seed: number): Uint8Array {
  const base = colourFor(seed);
  const pale: Rgb = [232, 226, 210];
  const dark: Rgb = [base[0] * 0.4, base[1] * 0.4, base[2] * 0.4];
  return flatBlockJpeg(8, 12, (x, y) => (y >= 2 && y <= 4 && x >= 1 && x <= 6 ? pale : y === 10 ? dark : base));
}
