// The scribble control image: the Control panel's drawing is a MaskPainter document (the mask painter's brush,
// eraser, undo and clear), and its coverage is the line brightness. The ControlNet wants white lines on black, so
// the RGBA form is grey = coverage with alpha 255, written per dirty rectangle for the canvas and whole for a request.
import { fullRect, type MaskBitmap, type Rect } from './mask.ts';

/** Writes rect of the scribble as opaque white-on-black into `rgba` (full-image RGBA8, width * height * 4 bytes). */
export function renderScribble(mask: MaskBitmap, rect: Rect, rgba: Uint8ClampedArray | Uint8Array): void {
  const W = mask.width;
  for (let y = rect.y; y < rect.y + rect.h; y++) {
    let i = y * W + rect.x;
    let o = i * 4;
    for (let x = 0; x < rect.w; x++, i++, o += 4) {
      const v = mask.data[i];
      rgba[o] = v;
      rgba[o + 1] = v;
      rgba[o + 2] = v;
      rgba[o + 3] = 255;
    }
  }
}

/** The whole scribble as a control image: RGBA8, white lines on black. */
export function scribbleRgba(mask: MaskBitmap): Uint8Array {
  const out = new Uint8Array(mask.width * mask.height * 4);
  renderScribble(mask, fullRect(mask), out);
  return out;
}

/** The pen for scribbles: hard-edged so lines stay crisp, no pressure (a mouse draws the same as a pen). */
export const SCRIBBLE_SIZE_DEFAULT = 6; // px, in image pixels
