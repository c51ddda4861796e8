// A GPU buffer pool with size classes and exact accounting.
//
// Sizes are rounded up to a class (a power of two, or 1.5x one, with a 256-byte floor), so a released buffer can
// serve later requests of similar size. `inUseBytes` counts buffers handed out, `pooledBytes` those kept for reuse,
// and `peakBytes` the largest inUse + pooled total ever reached: what the GPU really held.
//
// Reuse is safe inside one command batch: WebGPU orders dispatches and makes each one's writes visible to the next,
// so a buffer released after its last reader was recorded can be the next op's output.
import { outOfMemory } from './errors.ts';

// GPUBufferUsage.STORAGE | COPY_SRC | COPY_DST, as numbers so this module also loads in Node (for sizeClass tests).
export const STORAGE_USAGE = 0x80 | 0x04 | 0x08;

export function sizeClass(bytes: number): number {
  if (bytes <= 256) return 256;
  const p = 2 ** Math.ceil(Math.log2(bytes));
  const threeQuarter = (p / 4) * 3; // 1.5 * p/2
  return bytes <= threeQuarter ? threeQuarter : p;
}

export interface PoolStats {
  inUseBytes: number;
  pooledBytes: number;
  peakBytes: number;
  buffersInUse: number;
  buffersPooled: number;
}

export class BufferPool {
  private free = new Map<number, GPUBuffer[]>();
  private sizes = new WeakMap<GPUBuffer, number>();
  private inUse = 0;
  private pooled = 0;
  private peak = 0;
  private nInUse = 0;
  private nPooled = 0;
  /** Odd-sized buffers released while a batch may still reference them: destroyed after the next submission. */
  private deferred: GPUBuffer[] = [];

  constructor(
    private readonly device: GPUDevice,
    private readonly maxBufferSize: number,
  ) {}

  /** A storage buffer of at least `bytes`, from the free list of its class or newly created. */
  acquire(bytes: number, label = 'tensor'): GPUBuffer {
    const cls = sizeClass(Math.max(4, bytes));
    const list = this.free.get(cls);
    const reused = list?.pop();
    if (reused) {
      this.pooled -= cls;
      this.nPooled--;
      this.markInUse(reused, cls);
      return reused;
    }
    const size = cls <= this.maxBufferSize ? cls : Math.ceil(bytes / 4) * 4;
    if (size > this.maxBufferSize) throw outOfMemory(`${label} (larger than this GPU's maxBufferSize)`, bytes);
    const buffer = this.device.createBuffer({ size, usage: STORAGE_USAGE, label });
    this.sizes.set(buffer, size);
    this.markInUse(buffer, size);
    return buffer;
  }

  /** Registers a buffer created elsewhere (uploads made with mappedAtCreation) so it is counted and reusable. */
  adopt(buffer: GPUBuffer): void {
    this.sizes.set(buffer, buffer.size);
    this.markInUse(buffer, buffer.size);
  }

  release(buffer: GPUBuffer): void {
    const size = this.sizes.get(buffer);
    if (size === undefined) throw new Error('BufferPool.release: buffer is not from this pool');
    this.inUse -= size;
    this.nInUse--;
    if (size !== sizeClass(size)) {
      // Odd-sized (adopted or over-class) buffers are not reused. A batch being recorded may still read this one,
      // so it is destroyed once that batch is submitted (WebGPU keeps submitted work's buffers alive).
      this.sizes.delete(buffer);
      this.deferred.push(buffer);
      return;
    }
    let list = this.free.get(size);
    if (!list) this.free.set(size, (list = []));
    list.push(buffer);
    this.pooled += size;
    this.nPooled++;
  }

  /** Destroys the buffers released since the last submission; call after queue.submit(). */
  flushDeferred(): void {
    for (const b of this.deferred) b.destroy();
    this.deferred = [];
  }

  /** Destroys every pooled (unused) buffer: what a phase change or low-memory mode calls. */
  trim(): void {
    this.flushDeferred();
    for (const list of this.free.values()) for (const b of list) b.destroy();
    this.free.clear();
    this.pooled = 0;
    this.nPooled = 0;
  }

  resetPeak(): void {
    this.peak = this.inUse + this.pooled;
  }

  stats(): PoolStats {
    return { inUseBytes: this.inUse, pooledBytes: this.pooled, peakBytes: this.peak, buffersInUse: this.nInUse, buffersPooled: this.nPooled };
  }

  private markInUse(_buffer: GPUBuffer, size: number): void {
    this.inUse += size;
    this.nInUse++;
    this.peak = Math.max(this.peak, this.inUse + this.pooled);
  }
}
