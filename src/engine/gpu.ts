// The engine context: one device with its pool, pipeline cache and uniform arena; tensor upload/readback;
// Batches (batch.ts) record many dispatches into one submission; gpuTimer.ts times a stretch of them on the GPU.
// Tensor lifetimes: scope() (scope.ts) releases the temporaries of a synchronous stretch of model code.
import { StudioError } from '../lib/errors.ts';
import { f16ArrayToF32, f32ArrayToF16 } from '../lib/f16.ts';
import { acquireDevice, type DeviceHandle, type DeviceOptions } from './device.ts';
import { Batch, type BatchOptions, UNIFORM_ARENA } from './batch.ts';
import { outOfMemory } from './errors.ts';
import { GpuTimer } from './gpuTimer.ts';
import { type DType, type GgmlBlockDType, ggmlRowBytes, isGgmlBlockDType, type QuantMatrix } from './formats.ts';
import { PipelineCache } from './pipelines.ts';
import { BufferPool, STORAGE_USAGE } from './pool.ts';
import { Profiler, type Stopwatch } from './profiler.ts';
import { scope } from './scope.ts';
import { dataBytes, numel, Tensor } from './tensor.ts';

export { Batch, type BatchOptions, type Binding } from './batch.ts';

export class Gpu {
  readonly device: GPUDevice;
  readonly pool: BufferPool;
  readonly pipelines: PipelineCache;
  private uniformFree: GPUBuffer[] = [];
  /** Timestamp query sets for timed batches; made on first use, only when the device has timestamp-query. */
  profiler: Profiler | null = null;
  private lostError: StudioError | null = null;
  private timer: GpuTimer | null = null;
  /** Validation / out-of-memory errors no error scope caught (a shader that failed to compile, a bad binding). */
  readonly uncapturedErrors: string[] = [];

  private constructor(readonly handle: DeviceHandle) {
    this.device = handle.device;
    this.pool = new BufferPool(this.device, handle.limits.maxBufferSize);
    this.pipelines = new PipelineCache(this.device);
    this.device.addEventListener('uncapturederror', (e) => {
      const msg = (e as GPUUncapturedErrorEvent).error.message;
      if (this.uncapturedErrors.length < 50) this.uncapturedErrors.push(msg);
      console.error(`[webgpu] ${msg}`);
    });
    handle.lost.then(({ destroyed, error }) => {
      this.lostError = destroyed ? new StudioError('device-lost', 'The engine was shut down.') : error;
    });
  }

  static async create(options?: DeviceOptions): Promise<Gpu> {
    return new Gpu(await acquireDevice(options));
  }

  /** For tests and tools only: a Gpu over a device the caller made (e.g. a recording fake in Node). */
  static fromHandle(handle: DeviceHandle): Gpu {
    return new Gpu(handle);
  }

  get features() {
    return this.handle.features;
  }
  get limits() {
    return this.handle.limits;
  }
  get adapter() {
    return this.handle.adapter;
  }
  /** Non-null once the device is lost (or destroyed). */
  get lost(): StudioError | null {
    return this.lostError;
  }

  assertAlive(): void {
    if (this.lostError) throw this.lostError;
  }

  destroy(): void {
    this.pool.trim();
    this.profiler?.destroy();
    for (const b of this.uniformFree) b.destroy();
    this.uniformFree = [];
    this.device.destroy();
  }

  // ---- tensors ---------------------------------------------------------------------------------------------

  /** An uninitialised pooled tensor. */
  empty(shape: readonly number[], dtype: DType = 'f32', label = ''): Tensor {
    if (dtype === 'q4' || dtype === 'q8' || isGgmlBlockDType(dtype)) throw new Error('quantized tensors come from upload, not empty()');
    this.checkBinding(dataBytes(dtype, shape), label);
    return new Tensor(shape, dtype, this.pool.acquire(dataBytes(dtype, shape), label), this.pool, null, 'f16', label);
  }

  /** Uploads floats as f32, or as packed f16 (rounded to nearest even). */
  upload(data: Float32Array, shape: readonly number[], dtype: 'f32' | 'f16' = 'f32', label = ''): Tensor {
    if (data.length !== numel(shape)) throw new RangeError(`upload ${label}: ${data.length} values for shape [${shape}]`);
    let bytes: Uint8Array;
    if (dtype === 'f32') bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    else {
      const h = f32ArrayToF16(data);
      const padded = new Uint16Array(Math.ceil(h.length / 2) * 2);
      padded.set(h);
      bytes = new Uint8Array(padded.buffer);
    }
    return new Tensor(shape, dtype, this.uploadBytes(bytes, label), this.pool, null, 'f16', label);
  }

  /** Uploads unsigned words as a u32 tensor (row selectors and other indices). */
  uploadU32(data: Uint32Array, shape: readonly number[], label = ''): Tensor {
    if (data.length !== numel(shape)) throw new RangeError(`uploadU32 ${label}: ${data.length} values for shape [${shape}]`);
    return new Tensor(shape, 'u32', this.uploadBytes(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), label), this.pool, null, 'f16', label);
  }

  /** Uploads IEEE half bits as a packed f16 tensor (no rounding: the values are already halves). */
  uploadHalfBits(bits: Uint16Array, shape: readonly number[], label = ''): Tensor {
    if (bits.length !== numel(shape)) throw new RangeError(`uploadHalfBits ${label}: ${bits.length} values for shape [${shape}]`);
    const padded = new Uint16Array(Math.ceil(bits.length / 2) * 2);
    padded.set(bits);
    return new Tensor(shape, 'f16', this.uploadBytes(new Uint8Array(padded.buffer), label), this.pool, null, 'f16', label);
  }

  /** Uploads a quantized matrix (N, K) in the engine format of formats.ts. */
  uploadQuant(q: QuantMatrix, label = ''): Tensor {
    const codes = this.uploadBytes(new Uint8Array(q.codes.buffer, q.codes.byteOffset, q.codes.byteLength), `${label}.codes`);
    const params = this.uploadBytes(new Uint8Array(q.params.buffer, q.params.byteOffset, q.params.byteLength), `${label}.params`);
    return new Tensor([q.rows, q.cols], q.type, codes, this.pool, params, q.paramType, label);
  }

  /**
   * Uploads a matrix in a ggml block format exactly as stored (formats.ts): `bytes` are the GGUF bytes of its
   * rows, shape (…, K) with K a multiple of the block size. One buffer, no params, no repacking.
   */
  uploadBlocks(dtype: GgmlBlockDType, bytes: Uint8Array, shape: readonly number[], label = ''): Tensor {
    const K = shape.length > 0 ? shape[shape.length - 1] : 0;
    const rows = K > 0 ? numel(shape) / K : 0;
    if (shape.length < 2 || rows < 1) throw new RangeError(`uploadBlocks ${label}: a ${dtype} weight needs a shape (…, K), got [${shape}]`);
    const want = rows * ggmlRowBytes(dtype, K); // bytes
    if (bytes.byteLength !== want) throw new RangeError(`uploadBlocks ${label}: ${bytes.byteLength} bytes for ${dtype} [${shape}] (${want} expected)`);
    return new Tensor(shape, dtype, this.uploadBytes(bytes, label), this.pool, null, 'f16', label);
  }

  /** A new buffer holding `bytes` (padded to 4), written at creation so it can never alias a pooled buffer. */
  uploadBytes(bytes: Uint8Array, label = ''): GPUBuffer {
    const size = Math.max(4, Math.ceil(bytes.byteLength / 4) * 4);
    this.checkBinding(size, label);
    const buffer = this.device.createBuffer({ size, usage: STORAGE_USAGE, mappedAtCreation: true, label });
    new Uint8Array(buffer.getMappedRange()).set(bytes);
    buffer.unmap();
    this.pool.adopt(buffer);
    return buffer;
  }

  /** Reads a f32 or f16 tensor back as floats. */
  async read(t: Tensor): Promise<Float32Array> {
    if (t.dtype !== 'f32' && t.dtype !== 'f16') throw new Error('read(): quantized tensors are weights; dequantize on the CPU');
    const bytes = await this.readBuffer(t.data, dataBytes(t.dtype, t.shape));
    if (t.dtype === 'f32') return new Float32Array(bytes.buffer, 0, t.numel);
    return f16ArrayToF32(new Uint16Array(bytes.buffer, 0, t.numel));
  }

  async readBuffer(buffer: GPUBuffer, bytes: number, offset = 0): Promise<Uint8Array> {
    this.assertAlive();
    const size = Math.ceil(bytes / 4) * 4;
    const staging = this.device.createBuffer({ size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const enc = this.device.createCommandEncoder();
    enc.copyBufferToBuffer(buffer, offset, staging, 0, size);
    this.device.queue.submit([enc.finish()]);
    try {
      await staging.mapAsync(GPUMapMode.READ);
    } catch (err) {
      staging.destroy();
      this.assertAlive();
      throw err;
    }
    const out = new Uint8Array(staging.getMappedRange().slice(0));
    staging.unmap();
    staging.destroy();
    await this.pipelines.settle(); // bytes written by a pipeline that failed to build are not results
    return out;
  }

  /** Runs `fn` inside out-of-memory and validation error scopes and turns a captured error into a typed one. */
  async checked<T>(what: string, bytes: number, fn: () => T): Promise<T> {
    this.device.pushErrorScope('validation');
    this.device.pushErrorScope('out-of-memory');
    let result: T | undefined;
    let thrown: unknown = null;
    try {
      result = fn();
    } catch (err) {
      thrown = err;
    }
    const oom = await this.device.popErrorScope();
    const invalid = await this.device.popErrorScope();
    if (thrown) throw thrown;
    if ((oom || invalid) && result instanceof Tensor) result.release();
    if (oom) throw outOfMemory(what, bytes);
    if (invalid) throw new StudioError('validation', `The GPU rejected ${what}: ${invalid.message}`);
    return result as T;
  }

  private checkBinding(bytes: number, label: string): void {
    if (bytes > this.limits.maxStorageBufferBindingSize)
      throw new StudioError(
        'limits',
        `${label || 'A tensor'} needs ${(bytes / 2 ** 20).toFixed(1)} MiB in one binding, more than this GPU's maxStorageBufferBindingSize (${(this.limits.maxStorageBufferBindingSize / 2 ** 20).toFixed(0)} MiB). Use a smaller image size or tiled mode.`,
      );
  }

  // ---- batches ---------------------------------------------------------------------------------------------

  batch(label = '', options: BatchOptions = {}): Batch {
    this.assertAlive();
    const timer = this.timer;
    const b = new Batch(this, label, timer ? { ...options, timed: true } : options);
    timer?.add(b);
    return b;
  }

  /**
   * Times every batch made from now until the timer's stop() (gpuTimer.ts): the GPU's own time of a stretch of
   * work. Without timestamp-query, stop() gives null and batches are made as usual. One timer at a time.
   */
  startTimer(): GpuTimer {
    if (this.timer?.isOpen) throw new Error('startTimer(): a timer is already open; stop it first');
    const timer = new GpuTimer(() => {
      if (this.timer === timer) this.timer = null;
    });
    if (this.features.timestampQuery) this.timer = timer;
    return timer;
  }

  /** @internal A stopwatch for a timed batch, or null when the device has no timestamp-query. */
  stopwatch(): Stopwatch | null {
    if (!this.features.timestampQuery) return null;
    this.profiler ??= new Profiler(this.device);
    return this.profiler.stopwatch();
  }

  /** Records and submits in one go; returns what fn returns (tensors made in it, unreleased, as without run). */
  run<T>(fn: (b: Batch) => T, label = ''): T {
    const b = this.batch(label);
    const result = fn(b);
    b.submit();
    return result;
  }

  /**
   * scope.ts's scope(fn): releases every tensor fn makes except those it returns (a Tensor, or in a returned array or
   * plain object) or keep()s, also when fn throws. Synchronous only: async code keeps explicit ownership.
   */
  scope<T>(fn: () => T): T {
    return scope(fn);
  }

  /** Waits for submitted work; throws if the device was lost or a pipeline it used failed to build. */
  async sync(): Promise<void> {
    await this.device.queue.onSubmittedWorkDone();
    this.assertAlive();
    await this.pipelines.settle();
  }

  /** @internal */
  takeUniformBuffer(): GPUBuffer {
    return (
      this.uniformFree.pop() ??
      this.device.createBuffer({ size: UNIFORM_ARENA, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, label: 'uniform-arena' })
    );
  }

  /** @internal Queue order makes immediate reuse safe: later writes land after earlier submissions ran. */
  returnUniformBuffer(b: GPUBuffer): void {
    this.uniformFree.push(b);
  }
}

/** Dispatch grid for `n` workgroups, folded into y when n exceeds the per-dimension limit. */
export function grid(n: number, maxPerDim = 65535): [number, number, number] {
  if (n <= maxPerDim) return [Math.max(1, n), 1, 1];
  const y = Math.ceil(n / maxPerDim);
  return [Math.ceil(n / y), y, 1];
}
