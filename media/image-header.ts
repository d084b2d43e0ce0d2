// What a photo is before anyone decodes it: JPEG or PNG, how many pixels, and whether the file
// reaches its end. The barcode reader asks this on the calling thread, from the headers alone
// (microseconds, no pixel touched), so that a 100-megapixel "photo" or a file cut short in
// transfer is refused before it can cost the decoder memory or time.

export type ImageKind = 'jpeg' | 'png';

/** Why a file is no image we can decode. */
export type ImageProblem = 'NOT_AN_IMAGE' | 'CORRUPT';

export type ImageHeader =
  | { ok: true; kind: ImageKind; width: number; height: number }
  | { ok: false; problem: ImageProblem; message: string };

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The image's kind and size from its header, or why it has none. */
export function readImageHeader(bytes: Uint8Array): ImageHeader {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return jpegHeader(bytes);
  if (bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return pngHeader(bytes);
  return { ok: false, problem: 'NOT_AN_IMAGE', message: 'not a JPEG or PNG image' };
}

const corrupt = (message: string): ImageHeader => ({ ok: false, problem: 'CORRUPT', message });
const u16 = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
const u32 = (b: Uint8Array, i: number) => ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;

/**
 * Walks the JPEG's marker segments to its frame header (SOF0–SOF15 but DHT, JPG and DAC), which
 * holds the size, and on to the first scan (SOS). Inside the scans a 0xFF byte is always followed by
 * 0x00 or a restart marker, so an end-of-image marker (FFD9) after the first scan can only be the
 * real end: without one the picture data was cut short. Data after the end (phones append motion
 * photos, vendors their trailers) is allowed.
 */
function jpegHeader(b: Uint8Array): ImageHeader {
  let size: { width: number; height: number } | undefined;
  let i = 2;
  for (;;) {
    if (i >= b.length) return corrupt('the JPEG ends before its picture data');
    if (b[i] !== 0xff) return corrupt('the JPEG has a broken segment');
    while (b[i] === 0xff && i < b.length) i++; // fill bytes
    const marker = b[i];
    if (marker === undefined) return corrupt('the JPEG ends before its picture data');
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i++;
      continue;
    }
    if (marker === 0xd9) return corrupt('the JPEG has no picture data');
    if (i + 2 >= b.length) return corrupt('the JPEG ends inside a segment header');
    const length = u16(b, i + 1);
    if (length < 2 || i + 1 + length > b.length) return corrupt('the JPEG ends inside a segment');
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      if (length < 8) return corrupt('the JPEG has a broken frame header');
      size = { height: u16(b, i + 4), width: u16(b, i + 6) };
    }
    if (marker === 0xda) break;
    i += 1 + length;
  }
  if (!size) return corrupt('the JPEG has no frame header');
  if (size.width === 0 || size.height === 0) return corrupt('the JPEG says it has no pixels');
  if (!hasPair(b, i, 0xff, 0xd9)) return corrupt('the JPEG is cut short (no end-of-image marker)');
  return { ok: true, kind: 'jpeg', ...size };
}

/** PNG: IHDR must come first and hold the size; IEND must be there, or the file was cut short. */
function pngHeader(b: Uint8Array): ImageHeader {
  if (b.length < 33) return corrupt('the PNG ends inside its header');
  if (u32(b, 8) !== 13 || String.fromCharCode(b[12], b[13], b[14], b[15]) !== 'IHDR')
    return corrupt('the PNG does not start with its header chunk');
  const width = u32(b, 16);
  const height = u32(b, 20);
  if (width === 0 || height === 0) return corrupt('the PNG says it has no pixels');
  if (!hasIend(b)) return corrupt('the PNG is cut short (no IEND chunk)');
  return { ok: true, kind: 'png', width, height };
}

function hasPair(b: Uint8Array, from: number, first: number, second: number): boolean {
  for (let i = b.indexOf(first, from); i >= 0 && i + 1 < b.length; i = b.indexOf(first, i + 1)) {
    if (b[i + 1] === second) return true;
  }
  return false;
}

function hasIend(b: Uint8Array): boolean {
  const I = 0x49,
    E = 0x45,
    N = 0x4e,
    D = 0x44;
  for (let i = b.lastIndexOf(I); i >= 33; i = b.lastIndexOf(I, i - 1)) {
    if (b[i + 1] === E && b[i + 2] === N && b[i + 3] === D) return true;
  }
  return false;
}
