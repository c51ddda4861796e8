// Tensors: a shape, a dtype and the GPU buffers that hold them, with explicit ownership.
// A tensor owns its buffers until `release()` returns them to the pool; using a released tensor throws. A tensor made
// inside a scope (scope.ts) is released by it unless the scope returns it or it is kept.
import type { DType, ParamType } from './formats.ts';
import { ggmlRowBytes, isGgmlBlockDType, QUANT_BLOCK } from './formats.ts';
import type { BufferPool } from './pool.ts';
import { type Scoped, track } from './scope.ts';

export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Bytes of the main data buffer for `shape` in `dtype` (q4/q8: the codes, params live in a second buffer; ggml
 * blocks: the rows' block bytes, last dimension = K, padded to a multiple of 4).
 */
export function dataBytes(dtype: DType, shape: readonly number[]): number {
  const n = numel(shape);
  switch (dtype) {
    case 'f32':
    case 'u32':
      return n * 4;
    case 'f16':
      return Math.ceil(n / 2) * 4;
    case 'q4':
      return n / 2;
    case 'q8':
      return n;
    default: {
      const K = shape.length > 0 ? shape[shape.length - 1] : 1;
      return Math.ceil(((n / K) * ggmlRowBytes(dtype, K)) / 4) * 4;
    }
  }
}

export function paramBytes(shape: readonly number[], paramType: ParamType): number {
  return (numel(shape) / QUANT_BLOCK) * (paramType === 'f16' ? 4 : 8);
}

export class Tensor implements Scoped {
  private released = false;
  private _viewOf: Tensor | null = null;

  constructor(
    readonly shape: readonly number[],
    readonly dtype: DType,
    private readonly _data: GPUBuffer,
    private readonly pool: BufferPool | null,
    /** Block scales/mins for q4/q8. */
    private readonly _params: GPUBuffer | null = null,
    readonly paramType: ParamType = 'f16',
    readonly label = '',
    /** False for views (reshape): releasing a view is a no-op, the original owns the buffers. */
    private readonly owns = true,
  ) {
    if (owns) track(this);
  }

  /** For a view (reshape): the tensor that owns its buffers; null for an owner. */
  get viewOf(): Tensor | null {
    return this._viewOf;
  }

  get data(): GPUBuffer {
    if (this.released) throw new Error(`tensor ${this.label || this.shape.join('x')} used after release`);
    return this._data;
  }

  get params(): GPUBuffer {
    if (this.released) throw new Error(`tensor ${this.label} used after release`);
    if (!this._params) throw new Error(`tensor ${this.label} (${this.dtype}) has no block params`);
    return this._params;
  }

  get numel(): number {
    return numel(this.shape);
  }

  get isReleased(): boolean {
    return this.released;
  }

  /** Bytes this tensor holds on the GPU. */
  get bytes(): number {
    return this._data.size + (this._params?.size ?? 0);
  }

  /** Same element count; ggml block rows are laid out for their K, so a block tensor keeps its last dimension. */
  private checkReshape(shape: readonly number[]): void {
    const lastChanged = shape[shape.length - 1] !== this.shape[this.shape.length - 1];
    if (numel(shape) !== this.numel || (isGgmlBlockDType(this.dtype) && lastChanged))
      throw new RangeError(`cannot reshape [${this.shape}] to [${shape}]${isGgmlBlockDType(this.dtype) ? ` (${this.dtype} keeps its rows)` : ''}`);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    if (!this.owns) return;
    if (this.pool) {
      this.pool.release(this._data);
      if (this._params) this.pool.release(this._params);
    } else {
      this._data.destroy();
      this._params?.destroy();
    }
  }

  /** Moves ownership to a tensor of another shape (same element count); this one becomes released. */
  withShape(shape: readonly number[]): Tensor {
    this.checkReshape(shape);
    if (!this.owns) throw new Error('withShape() on a view: reshape the owning tensor instead');
    const moved = new Tensor(shape, this.dtype, this.data, this.pool, this._params, this.paramType, this.label);
    this.released = true;
    return moved;
  }

  /** A view of the same buffer with another shape of the same element count (no copy; shares ownership). */
  reshape(shape: readonly number[]): Tensor {
    this.checkReshape(shape);
    const view = new Tensor(shape, this.dtype, this.data, null, this._params, this.paramType, this.label, false);
    view._viewOf = this._viewOf ?? this;
    return view;
  }
}
