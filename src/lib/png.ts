// PNG encode/decode with text chunks, pure (no DOM): the studio writes its generation parameters into a tEXt chunk
// keyed 'zimage' so that a saved image carries the settings that made it, and dropping it back restores them.
// zlib comes from CompressionStream('deflate') (RFC 1950), present in browsers and Node >= 18.

import type { ImageMetadata } from '../worker/protocol.ts';
import { A1111_KEYWORD, formatParameters } from './a1111.ts';

export const STUDIO_KEYWORD = 'zimage';

export interface RgbaPixels {
  width: number;
  height: number;
  /** width * height * 4 bytes, row-major RGBA8. */
  data: Uint8Array | Uint8ClampedArray;
}

const SIGNATURE = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]);

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (ISO 3309, as PNG uses it) over bytes. */
export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/** Streams bytes through a (de)compressor; with maxBytes, stops (and throws) as soon as the output passes it. */
async function pipeThrough(bytes: Uint8Array, stream: CompressionStream | DecompressionStream, maxBytes = Infinity): Promise<Uint8Array> {
  const reader = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(stream).getReader();
  const parts: Uint8Array[] = [];
  let n = 0; // bytes
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      n += value.length;
      if (n > maxBytes) throw new Error(`PNG image data inflates to more than the ${maxBytes} bytes its header allows.`);
      parts.push(value);
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export const zlibDeflate = (b: Uint8Array) => pipeThrough(b, new CompressionStream('deflate'));
/** Inflates zlib data; a stream that would inflate past maxBytes (a decompression bomb) is stopped there. */
export const zlibInflate = (b: Uint8Array, maxBytes = Infinity) => pipeThrough(b, new DecompressionStream('deflate'), maxBytes);

/** The largest image the studio decodes: 16384 px a side and 64 megapixels (256 MiB of RGBA8). */
export const MAX_IMAGE_SIDE = 16384; // px
export const MAX_IMAGE_PIXELS = 64 * 1024 * 1024;

/** Why an image of this size is refused, or null. */
export function imageSizeProblem(width: number, height: number): string | null {
  if (!(width >= 1 && height >= 1)) return `it claims a size of ${width}×${height} pixels`;
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE || width * height > MAX_IMAGE_PIXELS)
    return `it is ${width}×${height} pixels; the studio opens images of at most ${MAX_IMAGE_SIDE} px a side and 64 megapixels`;
  return null;
}

function latin1(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) throw new Error('tEXt holds Latin-1 text only.');
    out[i] = c;
  }
  return out;
}

const fromLatin1 = (b: Uint8Array) => {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
};

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, data.length);
  out.set(latin1(type), 4);
  out.set(data, 8);
  v.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** Filters each row with the type (0..4) whose output has the smallest sum of |signed bytes| (libpng's heuristic). */
function filterRows(px: Uint8Array, width: number, height: number): Uint8Array {
  const stride = width * 4; // bytes
  const out = new Uint8Array(height * (stride + 1));
  const cand = Array.from({ length: 5 }, () => new Uint8Array(stride));
  for (let y = 0; y < height; y++) {
    const row = px.subarray(y * stride, (y + 1) * stride);
    const up = y > 0 ? px.subarray((y - 1) * stride, y * stride) : null;
    let best = 0;
    let bestSum = Infinity;
    for (let f = 0; f < 5; f++) {
      const c = cand[f];
      let sum = 0;
      for (let i = 0; i < stride; i++) {
        const a = i >= 4 ? row[i - 4] : 0;
        const b = up ? up[i] : 0;
        const cc = up && i >= 4 ? up[i - 4] : 0;
        const pred = f === 0 ? 0 : f === 1 ? a : f === 2 ? b : f === 3 ? (a + b) >> 1 : paeth(a, b, cc);
        const v = (row[i] - pred) & 0xff;
        c[i] = v;
        sum += v < 128 ? v : 256 - v;
      }
      if (sum < bestSum) {
        bestSum = sum;
        best = f;
      }
    }
    out[y * (stride + 1)] = best;
    out.set(cand[best], y * (stride + 1) + 1);
  }
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Encodes RGBA8 pixels as a PNG, with optional tEXt chunks (keyword -> Latin-1 text) before the image data. */
export async function encodePng(image: RgbaPixels, text: Record<string, string> = {}): Promise<Uint8Array> {
  const { width, height } = image;
  if (!(width > 0 && height > 0) || image.data.length !== width * height * 4)
    throw new Error(`encodePng: ${image.data.length} bytes do not make a ${width}x${height} RGBA image.`);
  const px = image.data instanceof Uint8Array ? image.data : new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.length);
  const ihdr = new Uint8Array(13);
  const hv = new DataView(ihdr.buffer);
  hv.setUint32(0, width);
  hv.setUint32(4, height);
  ihdr.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type 6 (RGBA), deflate, adaptive filter, no interlace
  const parts = [SIGNATURE, chunk('IHDR', ihdr)];
  for (const [key, value] of Object.entries(text)) {
    if (key.length < 1 || key.length > 79) throw new Error('A PNG text keyword is 1 to 79 characters.');
    const k = latin1(key);
    // Latin-1 text as tEXt; anything else (a Chinese prompt) as uncompressed UTF-8 iTXt, as PIL and A1111 do.
    const isLatin1 = !/[\u0100-\uffff]/.test(value);
    const v = isLatin1 ? latin1(value) : new TextEncoder().encode(value);
    const head = isLatin1 ? 1 : 5; // keyword NUL, or keyword NUL flag method NUL(language) NUL(translated keyword)
    const data = new Uint8Array(k.length + head + v.length);
    data.set(k, 0);
    data.set(v, k.length + head);
    parts.push(chunk(isLatin1 ? 'tEXt' : 'iTXt', data));
  }
  parts.push(chunk('IDAT', await zlibDeflate(filterRows(px, width, height))));
  parts.push(chunk('IEND', new Uint8Array(0)));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

interface RawChunk {
  type: string;
  data: Uint8Array;
}

/** The chunks of a PNG, in order; chunks with a wrong CRC are dropped (a damaged chunk is no metadata). */
function readChunks(bytes: Uint8Array): RawChunk[] {
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) throw new Error('Not a PNG file.');
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunks: RawChunk[] = [];
  let o = 8;
  while (o + 12 <= bytes.length) {
    const len = v.getUint32(o);
    if (o + 12 + len > bytes.length) break;
    const type = fromLatin1(bytes.subarray(o + 4, o + 8));
    const crc = v.getUint32(o + 8 + len);
    if (crc32(bytes.subarray(o + 4, o + 8 + len)) === crc) chunks.push({ type, data: bytes.subarray(o + 8, o + 8 + len) });
    o += 12 + len;
    if (type === 'IEND') break;
  }
  return chunks;
}

/** All tEXt and uncompressed iTXt chunks of a PNG as keyword -> text (the first of each keyword). Throws only when the bytes are not a PNG. */
export function readPngText(bytes: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of readChunks(bytes)) {
    if (c.type !== 'tEXt' && c.type !== 'iTXt') continue;
    const z = c.data.indexOf(0);
    if (z < 1) continue;
    const key = fromLatin1(c.data.subarray(0, z));
    if (key in out) continue;
    if (c.type === 'tEXt') out[key] = fromLatin1(c.data.subarray(z + 1));
    else if (c.data[z + 1] === 0) {
      // iTXt: flag 0 (uncompressed), method, language NUL, translated keyword NUL, UTF-8 text
      const lang = c.data.indexOf(0, z + 3);
      const tr = lang < 0 ? -1 : c.data.indexOf(0, lang + 1);
      if (tr >= 0) out[key] = new TextDecoder('utf-8', { fatal: false }).decode(c.data.subarray(tr + 1));
    }
  }
  return out;
}

/** The raw text bytes of the first tEXt chunk with this keyword (no copy), or undefined. Throws when not a PNG. */
export function findTextChunk(bytes: Uint8Array, keyword: string): Uint8Array | undefined {
  for (const c of readChunks(bytes)) {
    if (c.type !== 'tEXt') continue;
    const z = c.data.indexOf(0);
    if (z === keyword.length && fromLatin1(c.data.subarray(0, z)) === keyword) return c.data.subarray(z + 1);
  }
  return undefined;
}

export const latin1Text = fromLatin1;

/** Decodes an 8-bit, non-interlaced PNG (grey, grey+alpha, RGB or RGBA) to RGBA8. */
export async function decodePng(bytes: Uint8Array): Promise<RgbaPixels> {
  const chunks = readChunks(bytes);
  const ihdr = chunks.find((c) => c.type === 'IHDR');
  if (!ihdr) throw new Error('PNG without a header.');
  const hv = new DataView(ihdr.data.buffer, ihdr.data.byteOffset, 13);
  const width = hv.getUint32(0);
  const height = hv.getUint32(4);
  if (ihdr.data.length !== 13) throw new Error('PNG header has the wrong length.');
  const tooBig = imageSizeProblem(width, height);
  if (tooBig) throw new Error(`This PNG cannot be opened: ${tooBig}.`);
  const [depth, colour, , , interlace] = ihdr.data.subarray(8, 13);
  const channels = { 0: 1, 2: 3, 4: 2, 6: 4 }[colour as 0 | 2 | 4 | 6];
  if (depth !== 8 || !channels || interlace !== 0) throw new Error('Only 8-bit, non-interlaced, non-palette PNGs are supported.');
  const idat = chunks.filter((c) => c.type === 'IDAT');
  const joined = new Uint8Array(idat.reduce((n, c) => n + c.data.length, 0));
  let o = 0;
  for (const c of idat) {
    joined.set(c.data, o);
    o += c.data.length;
  }
  const stride = width * channels; // bytes
  const raw = await zlibInflate(joined, height * (stride + 1));
  if (raw.length < height * (stride + 1)) throw new Error('PNG image data is truncated.');
  const px = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? px[y * stride + i - channels] : 0;
      const b = y > 0 ? px[(y - 1) * stride + i] : 0;
      const c = y > 0 && i >= channels ? px[(y - 1) * stride + i - channels] : 0;
      const pred = f === 0 ? 0 : f === 1 ? a : f === 2 ? b : f === 3 ? (a + b) >> 1 : f === 4 ? paeth(a, b, c) : -1;
      if (pred < 0) throw new Error(`Unknown PNG filter type ${f}.`);
      px[y * stride + i] = (src[i] + pred) & 0xff;
    }
  }
  const data = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    const s = px.subarray(p * channels, p * channels + channels);
    const grey = channels <= 2;
    data[p * 4] = s[0];
    data[p * 4 + 1] = grey ? s[0] : s[1];
    data[p * 4 + 2] = grey ? s[0] : s[2];
    data[p * 4 + 3] = channels === 2 ? s[1] : channels === 4 ? s[3] : 255;
  }
  return { width, height, data };
}

/** JSON with every non-ASCII character \u-escaped: still valid JSON, and safe in a Latin-1 tEXt chunk. */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Encodes a studio PNG: the pixels, the parameters in the 'zimage' tEXt chunk, and A1111's `parameters` text. */
export function encodeStudioPng(image: RgbaPixels, meta: ImageMetadata): Promise<Uint8Array> {
  return encodePng(image, { [STUDIO_KEYWORD]: asciiJson(meta), [A1111_KEYWORD]: formatParameters(meta), Software: 'Z-Image Studio' });
}
