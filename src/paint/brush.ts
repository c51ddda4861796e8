// Brush dabs and stroke rasterisation. A stroke is a polyline of pointer samples; dabs are stamped along it at a
// fixed spacing into a per-stroke coverage buffer with max() (overlapping dabs do not build up, so a stroke looks the
// same however fast it was drawn), and the mask is recomputed from the pre-stroke base and that coverage. The same
// code runs live (sample by sample) and on redo/replay, so both give identical bytes.
import { clipRect, unionRect, type MaskBitmap, type Rect } from './mask.ts';

export type Tool = 'brush' | 'eraser';

export interface BrushSettings {
  tool: Tool;
  /** Diameter in image px. */
  size: number;
  /** 0 (soft, feathered over the whole radius) .. 1 (hard, a 1 px anti-aliased edge). */
  hardness: number;
  /** Whether pen pressure scales the diameter. */
  pressure: boolean;
}

/** One pointer sample in image px (continuous: pixel (i, j) covers [i, i+1) x [j, j+1)); p = pressure 0..1. */
export interface StrokePoint {
  x: number;
  y: number;
  p: number;
}

export interface Stroke extends BrushSettings {
  points: StrokePoint[];
}

export const MIN_BRUSH = 1; // px
export const MAX_BRUSH = 512; // px

/** The dab radius for a pressure: pressure maps to 10%..100% of the diameter. */
export function dabRadius(b: BrushSettings, p: number): number {
  const scale = b.pressure ? 0.1 + 0.9 * Math.min(1, Math.max(0, p)) : 1;
  return (b.size / 2) * scale;
}

/**
 * Coverage 0..1 at distance d from a dab centre: 1 inside, then a smoothstep ramp of width max((1-h)r, 1 px) ending
 * half a pixel past r, so a hard dab's anti-aliased rim is centred on r and its area is pi r^2.
 */
export function dabFalloff(d: number, r: number, hardness: number): number {
  const soft = Math.max((1 - hardness) * r, 1);
  const t = Math.min(1, Math.max(0, (r + 0.5 - d) / soft));
  return t * t * (3 - 2 * t);
}

/** Dab spacing along the path, px: a fraction of the radius so soft and hard edges both stay smooth. */
export const dabSpacing = (b: BrushSettings) => Math.max(0.5, (b.size / 2) * 0.15);

/**
 * Rasterises one stroke into `mask` incrementally. `base` is the mask before the stroke and `coverage` a zeroed
 * scratch buffer of the same size (both owned by the caller so they can be reused across strokes).
 */
export class StrokeRasterizer {
  private last: StrokePoint | null = null;
  private carry = 0; // px walked since the last dab
  private stampedLast = false;
  /** Everything this stroke has touched, clipped to the image. */
  dirty: Rect | null = null;

  constructor(
    readonly brush: BrushSettings,
    private readonly mask: MaskBitmap,
    private readonly base: Uint8Array,
    private readonly coverage: Uint8Array,
  ) {}

  /** Adds a sample; returns the rectangle it changed (null if none). */
  add(pt: StrokePoint): Rect | null {
    const prev = this.last;
    this.last = pt;
    if (!prev) {
      this.stampedLast = true;
      return this.dab(pt);
    }
    const dx = pt.x - prev.x;
    const dy = pt.y - prev.y;
    const len = Math.hypot(dx, dy);
    const step = dabSpacing(this.brush);
    let changed: Rect | null = null;
    let t = step - this.carry; // distance along this segment of the next dab
    this.stampedLast = false;
    while (t <= len) {
      const f = len > 0 ? t / len : 1;
      changed = unionRect(changed, this.dab({ x: prev.x + dx * f, y: prev.y + dy * f, p: prev.p + (pt.p - prev.p) * f }));
      this.stampedLast = t === len;
      t += step;
    }
    this.carry = len - (t - step);
    return changed;
  }

  /** Ends the stroke: stamps the final sample if the spacing skipped it, so the line reaches where the pen lifted. */
  finish(): Rect | null {
    if (this.last && !this.stampedLast) {
      this.stampedLast = true;
      return this.dab(this.last);
    }
    return null;
  }

  private dab(c: StrokePoint): Rect | null {
    const { mask, base, coverage, brush } = this;
    const r = dabRadius(brush, c.p);
    if (r <= 0) return null;
    const R = r + 0.5; // px: where the falloff reaches zero
    const rect = clipRect(
      { x: Math.floor(c.x - R), y: Math.floor(c.y - R), w: Math.floor(c.x + R) - Math.floor(c.x - R) + 1, h: Math.floor(c.y + R) - Math.floor(c.y - R) + 1 },
      mask.width,
      mask.height,
    );
    if (!rect) return null;
    const erase = brush.tool === 'eraser';
    const W = mask.width;
    for (let y = rect.y; y < rect.y + rect.h; y++) {
      const dy = y + 0.5 - c.y;
      for (let x = rect.x; x < rect.x + rect.w; x++) {
        const dx = x + 0.5 - c.x;
        const a = dabFalloff(Math.sqrt(dx * dx + dy * dy), r, brush.hardness);
        if (a <= 0) continue;
        const i = y * W + x;
        const v = Math.round(a * 255);
        if (v <= coverage[i]) continue;
        coverage[i] = v;
        const b = base[i];
        mask.data[i] = erase ? b - Math.round((v * b) / 255) : b + Math.round((v * (255 - b)) / 255);
      }
    }
    this.dirty = unionRect(this.dirty, rect);
    return rect;
  }
}
