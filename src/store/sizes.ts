// Output sizes: aspect-ratio presets at a chosen base size, and custom sizes snapped to what the model accepts
// (the request contract's limits: multiples of SIZE_STEP from MIN_SIDE to MAX_SIDE px on each side).
import { MAX_SIDE, MIN_SIDE, SIZE_STEP } from '../worker/protocol.ts';

export const ASPECTS = ['1:1', '4:3', '3:4', '16:9', '9:16', '3:2', '2:3'] as const;
export type Aspect = (typeof ASPECTS)[number];
export type AspectChoice = Aspect | 'custom';

/** Base sizes: the side of the square with the same pixel count. */
export const BASE_SIZES = [512, 768, 1024, 1280] as const;

/** The nearest multiple of SIZE_STEP within MIN_SIDE..MAX_SIDE. */
export function snapSide(v: number): number {
  if (!Number.isFinite(v)) return MIN_SIDE;
  return Math.min(MAX_SIDE, Math.max(MIN_SIDE, Math.round(v / SIZE_STEP) * SIZE_STEP));
}

/** Width and height for an aspect ratio with about base² pixels. */
export function presetSize(aspect: Aspect, base: number): { width: number; height: number } {
  const [a, b] = aspect.split(':').map(Number);
  return { width: snapSide(base * Math.sqrt(a / b)), height: snapSide(base * Math.sqrt(b / a)) };
}

/** The preset (aspect, base) that gives exactly this size, if any. */
export function matchPreset(width: number, height: number): { aspect: Aspect; base: number } | null {
  for (const base of BASE_SIZES)
    for (const aspect of ASPECTS) {
      const s = presetSize(aspect, base);
      if (s.width === width && s.height === height) return { aspect, base };
    }
  return null;
}
