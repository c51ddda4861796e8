// Image work the store needs that a browser does best with its own codecs (decode any format, resize, small
// thumbnails), with pure fallbacks where there is no canvas (Node tests).
import { t } from '../lib/i18n.ts';
import { fitWithin, resizeRgba } from '../lib/image.ts';
import { imageDimensions } from '../lib/imageHeader.ts';
import { decodePng, encodePng, imageSizeProblem } from '../lib/png.ts';
import { MAX_SIDE, MIN_SIDE, type RgbaImage } from '../worker/protocol.ts';
import { snapSide } from './sizes.ts';

export interface Imaging {
  /** A small preview (at most THUMB_SIDE px on the longer side) as an image Blob. */
  thumbnail(image: RgbaImage): Promise<Blob>;
  /** Decodes an image file (PNG, JPEG, WebP, ...) to RGBA8. */
  decode(blob: Blob): Promise<RgbaImage>;
  resize(image: RgbaImage, width: number, height: number): Promise<RgbaImage>;
}

export const THUMB_SIDE = 256; // px

const bytesOf = (img: RgbaImage) => new Uint8ClampedArray(img.data);
const toRgbaImage = (r: { width: number; height: number; data: Uint8Array | Uint8ClampedArray }): RgbaImage => ({
  width: r.width,
  height: r.height,
  data: r.data.buffer.slice(r.data.byteOffset, r.data.byteOffset + r.data.byteLength) as ArrayBuffer,
});

/** Pure: PNG thumbnails and PNG-only decoding. */
export const pureImaging: Imaging = {
  thumbnail: async (img) => {
    const t = fitWithin(img.width, img.height, THUMB_SIDE);
    const small = resizeRgba({ width: img.width, height: img.height, data: bytesOf(img) }, t.width, t.height);
    return new Blob([(await encodePng(small)) as Uint8Array<ArrayBuffer>], { type: 'image/png' });
  },
  decode: async (blob) => toRgbaImage(await decodePng(new Uint8Array(await blob.arrayBuffer()))),
  resize: async (img, width, height) => toRgbaImage(resizeRgba({ width: img.width, height: img.height, data: bytesOf(img) }, width, height)),
};

/** The largest image file the editor reads (bytes): far above any real photo, far below what would hurt the tab. */
export const MAX_IMAGE_FILE_BYTES = 256 * 1024 * 1024;

/** Refuses, before decoding, a file too large or one whose header claims a size the studio will not open. */
export async function checkImageFile(blob: Blob): Promise<void> {
  if (blob.size > MAX_IMAGE_FILE_BYTES) throw new Error(t('store.fileTooBig', { mib: Math.round(blob.size / 2 ** 20) }));
  const size = imageDimensions(new Uint8Array(await blob.slice(0, 256 * 1024).arrayBuffer()));
  const problem = size && imageSizeProblem(size.width, size.height);
  if (problem) throw new Error(`${problem}.`);
}

const hasCanvas = () => typeof OffscreenCanvas !== 'undefined' && typeof createImageBitmap !== 'undefined';

function draw(bitmap: ImageBitmap): RgbaImage {
  const c = new OffscreenCanvas(bitmap.width, bitmap.height);
  const g = c.getContext('2d', { willReadFrequently: true });
  if (!g) throw new Error('No 2D canvas.');
  g.drawImage(bitmap, 0, 0);
  const d = g.getImageData(0, 0, bitmap.width, bitmap.height);
  bitmap.close();
  return { width: d.width, height: d.height, data: d.data.buffer as ArrayBuffer };
}

const imageData = (img: RgbaImage) => new ImageData(new Uint8ClampedArray(img.data.slice(0)), img.width, img.height);

/** The browser's codecs where it has them (WebP thumbnails, every image format), the pure path otherwise. */
export const browserImaging: Imaging = {
  thumbnail: async (img) => {
    if (!hasCanvas()) return pureImaging.thumbnail(img);
    const t = fitWithin(img.width, img.height, THUMB_SIDE);
    const bmp = await createImageBitmap(imageData(img), { resizeWidth: t.width, resizeHeight: t.height, resizeQuality: 'high' });
    const c = new OffscreenCanvas(t.width, t.height);
    c.getContext('2d')!.drawImage(bmp, 0, 0);
    bmp.close();
    return c.convertToBlob({ type: 'image/webp', quality: 0.85 });
  },
  decode: async (blob) => {
    await checkImageFile(blob);
    if (!hasCanvas()) return pureImaging.decode(blob);
    let bitmap: ImageBitmap;
    try {
      bitmap = await createImageBitmap(blob, { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
    } catch {
      throw new Error(t('store.notAnImage'));
    }
    const problem = imageSizeProblem(bitmap.width, bitmap.height); // formats whose header we do not read
    if (problem) {
      bitmap.close();
      throw new Error(`${problem}.`);
    }
    return draw(bitmap);
  },
  resize: async (img, width, height) => {
    if (!hasCanvas()) return pureImaging.resize(img, width, height);
    return draw(await createImageBitmap(imageData(img), { resizeWidth: width, resizeHeight: height, resizeQuality: 'high' }));
  },
};

/** The size an image must have for the model: sides multiples of 16 in 256..2048, aspect kept as far as possible. */
export function modelSize(width: number, height: number): { width: number; height: number } {
  let k = Math.min(1, MAX_SIDE / Math.max(width, height));
  if (Math.min(width, height) * k < MIN_SIDE) k = MIN_SIDE / Math.min(width, height);
  return { width: snapSide(width * k), height: snapSide(height * k) };
}
