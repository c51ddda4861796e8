// Turns a queued edit into what the pipeline gets, and the pipeline's output into the result. The mask is the
// effective one (grown or shrunk, then feathered: src/paint/maskOps.ts). In "only the masked area" mode a padded
// region around the mask is cropped, resized to the model's working size, edited, resized back and pasted through
// the feathered mask (src/paint/crop.ts); the pipeline call itself is the same as for a whole image.
import { cropMask, cropRgba, cropWorkingSize, maskBounds, paddedCropRect, pasteFeathered } from '../paint/crop.ts';
import type { Rect } from '../paint/mask.ts';
import { effectiveMask, resizeMask } from '../paint/maskOps.ts';
import { MAX_SIDE, MIN_SIDE, SIZE_STEP, type RgbaImage } from '../worker/protocol.ts';
import type { Imaging } from './imaging.ts';
import type { QueuedEdit } from './queueSlice.ts';

export interface PreparedEdit {
  image: RgbaImage;
  mask?: { width: number; height: number; data: ArrayBuffer };
  /** The crop edited, when only the masked area is (in the full image's pixels). */
  crop: Rect | null;
  /** The model's output as the full-size result. */
  finish: (out: RgbaImage) => Promise<RgbaImage>;
}

const buf = (a: Uint8Array): ArrayBuffer => a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength) as ArrayBuffer;

export async function prepareEdit(edit: QueuedEdit, imaging: Imaging): Promise<PreparedEdit> {
  const { image } = edit;
  const W = image.width;
  const H = image.height;
  const identity = async (out: RgbaImage) => out;
  if (!edit.mask) return { image, crop: null, finish: identity };
  const raw = new Uint8Array(edit.mask.data);
  const eff = edit.grow === 0 && edit.feather === 0 ? raw : effectiveMask(raw, W, H, { grow: edit.grow, feather: edit.feather });
  const whole: PreparedEdit = { image, mask: { width: W, height: H, data: buf(eff) }, crop: null, finish: identity };
  const bounds = edit.onlyMasked ? maskBounds(eff, W, H) : null;
  if (!bounds) return whole;
  const rect = paddedCropRect(bounds, Math.max(0, edit.padding), W, H);
  if (rect.w === W && rect.h === H) return whole; // the mask reaches every side: nothing to gain
  const work = cropWorkingSize(rect.w, rect.h, { step: SIZE_STEP, minSide: MIN_SIDE, maxSide: MAX_SIDE });
  const cropped = await imaging.resize({ width: rect.w, height: rect.h, data: buf(cropRgba(new Uint8Array(image.data), W, rect)) }, work.width, work.height);
  const alpha = cropMask(eff, W, rect);
  return {
    image: cropped,
    mask: { width: work.width, height: work.height, data: buf(resizeMask(alpha, rect.w, rect.h, work.width, work.height)) },
    crop: rect,
    finish: async (out) => {
      const back = await imaging.resize(out, rect.w, rect.h);
      return { width: W, height: H, data: buf(pasteFeathered(new Uint8Array(image.data), W, new Uint8Array(back.data), rect, alpha)) };
    },
  };
}
