// The mask document: the bitmap, the stroke in progress, and undo/redo of committed operations. Undo restores the
// pixels an operation replaced (kept for its dirty rectangle only); redo re-runs the operation, which is exact
// because rasterisation is deterministic. History is bounded by count and bytes so a 2048² session cannot grow
// without limit. Pure: the UI owns the canvases and asks for dirty rectangles to repaint.
import { StrokeRasterizer, type BrushSettings, type Stroke, type StrokePoint } from './brush.ts';
import { clearMask, createMask, fullRect, invertMask, isMaskEmpty, readRect, unionRect, writeRect, type MaskBitmap, type Rect } from './mask.ts';

export type MaskOp = { kind: 'stroke'; stroke: Stroke } | { kind: 'clear' } | { kind: 'invert' };

interface Entry {
  op: MaskOp;
  rect: Rect | null;
  /** The pixels of `rect` before the op; null where the op undoes itself (invert). */
  before: Uint8Array | null;
}

export interface PainterLimits {
  maxOps: number;
  maxBytes: number; // bytes of saved pixels across the undo history
}

const DEFAULT_LIMITS: PainterLimits = { maxOps: 200, maxBytes: 256 * 1024 * 1024 };

export class MaskPainter {
  readonly mask: MaskBitmap;
  private done: Entry[] = [];
  private undone: MaskOp[] = [];
  private historyBytes = 0;
  private live: { r: StrokeRasterizer; stroke: Stroke } | null = null;
  private base: Uint8Array | null = null; // the mask before the live stroke
  private coverage: Uint8Array | null = null; // per-stroke scratch, zero outside the live stroke
  private dirty: Rect | null = null;

  constructor(width: number, height: number, private readonly limits: PainterLimits = DEFAULT_LIMITS) {
    this.mask = createMask(width, height);
  }

  get width(): number {
    return this.mask.width;
  }
  get height(): number {
    return this.mask.height;
  }
  get canUndo(): boolean {
    return this.done.length > 0 && !this.live;
  }
  get canRedo(): boolean {
    return this.undone.length > 0 && !this.live;
  }
  /** Committed operations, oldest first, that are still in the undo history. */
  get history(): readonly MaskOp[] {
    return this.done.map((e) => e.op);
  }

  /** Starts a stroke at its first sample. A stroke still in progress is committed first. */
  beginStroke(brush: BrushSettings, pt: StrokePoint): void {
    if (this.live) this.endStroke();
    const n = this.mask.data.length;
    if (!this.coverage || this.coverage.length !== n) this.coverage = new Uint8Array(n);
    if (!this.base || this.base.length !== n) this.base = new Uint8Array(n);
    this.base.set(this.mask.data);
    const stroke: Stroke = { ...brush, points: [] };
    this.live = { r: new StrokeRasterizer(brush, this.mask, this.base, this.coverage), stroke };
    this.addPoint(pt);
  }

  addPoint(pt: StrokePoint): void {
    if (!this.live) return;
    this.live.stroke.points.push({ x: pt.x, y: pt.y, p: pt.p });
    this.markDirty(this.live.r.add(pt));
  }

  /** Commits the stroke; returns false when it touched no pixel (nothing enters the history). */
  endStroke(): boolean {
    const live = this.live;
    if (!live) return false;
    this.markDirty(live.r.finish());
    this.live = null;
    const rect = live.r.dirty;
    if (!rect) return false;
    const before = readRect({ width: this.width, height: this.height, data: this.base! }, rect);
    for (let y = 0; y < rect.h; y++) {
      const o = (rect.y + y) * this.width + rect.x;
      this.coverage!.fill(0, o, o + rect.w);
    }
    this.push({ op: { kind: 'stroke', stroke: live.stroke }, rect, before });
    return true;
  }

  /** Abandons the stroke in progress and restores what it painted over. */
  cancelStroke(): void {
    const live = this.live;
    if (!live) return;
    this.live = null;
    const rect = live.r.dirty;
    if (!rect) return;
    for (let y = 0; y < rect.h; y++) {
      const o = (rect.y + y) * this.width + rect.x;
      this.mask.data.set(this.base!.subarray(o, o + rect.w), o);
      this.coverage!.fill(0, o, o + rect.w);
    }
    this.markDirty(rect);
  }

  /** Clears the mask (undoable); false when it was already empty. */
  clear(): boolean {
    if (this.live) this.endStroke();
    if (isMaskEmpty(this.mask)) return false;
    this.push({ op: { kind: 'clear' }, rect: fullRect(this.mask), before: this.mask.data.slice() });
    clearMask(this.mask);
    this.markDirty(fullRect(this.mask));
    return true;
  }

  invert(): void {
    if (this.live) this.endStroke();
    this.push({ op: { kind: 'invert' }, rect: fullRect(this.mask), before: null });
    invertMask(this.mask);
    this.markDirty(fullRect(this.mask));
  }

  undo(): boolean {
    if (!this.canUndo) return false;
    const e = this.done.pop()!;
    this.historyBytes -= e.before?.length ?? 0;
    if (e.op.kind === 'invert') invertMask(this.mask);
    else if (e.rect && e.before) writeRect(this.mask, e.rect, e.before);
    this.undone.push(e.op);
    this.markDirty(e.rect);
    return true;
  }

  redo(): boolean {
    if (!this.canRedo) return false;
    const op = this.undone.pop()!;
    const keep = this.undone;
    this.apply(op);
    this.undone = keep; // apply() goes through push(), which would drop the rest of the redo stack
    return true;
  }

  /** Takes (and resets) the rectangle changed since the last call: what the overlay canvas must repaint. */
  takeDirty(): Rect | null {
    const d = this.dirty;
    this.dirty = null;
    return d;
  }

  /** Sets the starting mask (from an image's alpha channel), before any stroke: the history starts from it. */
  loadInitial(data: Uint8Array): void {
    if (data.length !== this.mask.data.length) throw new Error(`loadInitial: ${data.length} bytes for a ${this.width}x${this.height} mask.`);
    if (this.live) this.endStroke();
    this.mask.data.set(data);
    this.done = [];
    this.undone = [];
    this.historyBytes = 0;
    this.dirty = fullRect(this.mask);
  }

  /** The mask as GenerateRequest.mask wants it: a copy, one byte per pixel, 255 = repaint. */
  exportMask(): { width: number; height: number; data: ArrayBuffer } {
    return { width: this.width, height: this.height, data: this.mask.data.slice().buffer };
  }

  isEmpty(): boolean {
    return isMaskEmpty(this.mask);
  }

  /** Renders a list of operations onto a blank mask from scratch (the reference that undo/redo must match). */
  static render(width: number, height: number, ops: readonly MaskOp[]): MaskBitmap {
    const p = new MaskPainter(width, height, { maxOps: 0, maxBytes: 0 });
    for (const op of ops) p.apply(op);
    return p.mask;
  }

  private apply(op: MaskOp): void {
    if (op.kind === 'clear') this.clear();
    else if (op.kind === 'invert') this.invert();
    else {
      const [first, ...rest] = op.stroke.points;
      if (!first) return;
      this.beginStroke(op.stroke, first);
      for (const pt of rest) this.addPoint(pt);
      this.endStroke();
    }
  }

  private push(e: Entry): void {
    this.undone = [];
    this.done.push(e);
    this.historyBytes += e.before?.length ?? 0;
    while (this.done.length > 0 && (this.done.length > this.limits.maxOps || this.historyBytes > this.limits.maxBytes)) {
      const old = this.done.shift()!;
      this.historyBytes -= old.before?.length ?? 0;
    }
  }

  private markDirty(r: Rect | null): void {
    this.dirty = unionRect(this.dirty, r);
  }
}
