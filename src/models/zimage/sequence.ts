// Token layout of the DiT's unified sequence (zimage-spec §5.5): image tokens then caption tokens, each padded to a
// multiple of 32 with learned pad tokens, and their 3-axis RoPE position ids.
import { SEQ_MULTIPLE } from './config.ts';

export const padTo = (n: number, m = SEQ_MULTIPLE) => n + ((m - (n % m)) % m);

export interface SequenceLayout {
  imageTokens: number; // Ht * Wt
  imagePadded: number; // padded to 32
  capTokens: number; // Lc
  capPadded: number;
  gridH: number; // Ht
  gridW: number; // Wt
  imagePositions: Int32Array; // (imagePadded, 3)
  capPositions: Int32Array; // (capPadded, 3)
}

/** Standard (text-to-image) mode: caption i at (1 + i, 0, 0), image (h, w) at (Lc_pad + 1, h, w), image pads at 0. */
export function standardLayout(capTokens: number, gridH: number, gridW: number): SequenceLayout {
  const imageTokens = gridH * gridW;
  const imagePadded = padTo(imageTokens);
  const capPadded = padTo(capTokens);
  const capPositions = new Int32Array(capPadded * 3);
  for (let i = 0; i < capPadded; i++) capPositions[i * 3] = 1 + i;
  const imagePositions = new Int32Array(imagePadded * 3); // pads stay (0, 0, 0)
  for (let h = 0; h < gridH; h++)
    for (let w = 0; w < gridW; w++) {
      const k = (h * gridW + w) * 3;
      imagePositions[k] = capPadded + 1;
      imagePositions[k + 1] = h;
      imagePositions[k + 2] = w;
    }
  return { imageTokens, imagePadded, capTokens, capPadded, gridH, gridW, imagePositions, capPositions };
}
