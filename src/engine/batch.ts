// Command batches: many dispatches recorded into one compute pass (one submission), with their uniform blocks
// packed into shared arena buffers, optionally timed on the GPU (profiler.ts). Made by Gpu.batch() / Gpu.run().
// With the `timing` debug flag (debug.ts) every dispatch gets a compute pass of its own, so its GPU time is the
// pass's, and the batch logs each dispatch's pipeline key and ms once the GPU ran it.
import { debug, debugLog } from './debug.ts';
import type { Gpu } from './gpu.ts';
import { type KernelSpec, pipelineKey } from './pipelines.ts';
import type { Stopwatch } from './profiler.ts';
import type { GpuTime } from './timestamps.ts';

export const UNIFORM_SLOT = 256; // bytes; >= minUniformBufferOffsetAlignment on every adapter
export const UNIFORM_ARENA = 256 * UNIFORM_SLOT; // bytes per uniform buffer (256 dispatches)

export type Binding = GPUBuffer | { buffer: GPUBuffer; offset?: number; size?: number };

export interface BatchOptions {
  /** Measure the GPU time of the batch's compute passes with timestamp queries: see Batch.gpuTime(). */
  timed?: boolean;
}

export class Batch {
  private encoder: GPUCommandEncoder;
  private pass: GPUComputePassEncoder;
  private uniformBuffers: { buffer: GPUBuffer; data: Uint8Array; used: number }[] = [];
  dispatches = 0;
  private done = false;
  private readonly timed: boolean;

  get submitted(): boolean {
    return this.done;
  }
  private stopwatch: Stopwatch | null;
  private timing: Promise<GpuTime | null> | null = null;
  /** `timing` debug flag: the pipeline key of each pass's one dispatch ('' for a pass without one). */
  private passKeys: string[] | null = null;

  constructor(
    readonly gpu: Gpu,
    readonly label: string,
    options: BatchOptions = {},
  ) {
    const profile = debug.timing && profilingAvailable(gpu);
    this.timed = (options.timed ?? false) || profile;
    this.stopwatch = this.timed ? gpu.stopwatch() : null;
    if (profile) this.passKeys = [];
    this.encoder = gpu.device.createCommandEncoder({ label });
    this.pass = this.beginPass();
  }

  /** Every pass of a timed batch writes its own (begin, end) stamps, so copies between passes are not timed. */
  private beginPass(): GPUComputePassEncoder {
    const timestampWrites = this.stopwatch?.nextPass();
    this.passKeys?.push('');
    return this.encoder.beginComputePass(timestampWrites ? { label: this.label, timestampWrites } : { label: this.label });
  }

  /**
   * Records one dispatch. Binding 0 is the uniform block `params` (if given); storage bindings follow in order.
   */
  dispatch(spec: KernelSpec, params: ArrayBuffer | null, bindings: Binding[], workgroups: [number, number, number]): void {
    if (this.done) throw new Error('Batch already submitted');
    const pipeline = this.gpu.pipelines.get(spec);
    if (this.passKeys) {
      if (this.passKeys[this.passKeys.length - 1] !== '') {
        this.pass.end();
        this.pass = this.beginPass();
      }
      this.passKeys[this.passKeys.length - 1] = pipelineKey(spec);
    }
    const entries: GPUBindGroupEntry[] = [];
    let index = 0;
    if (params) entries.push({ binding: index++, resource: this.uniform(params) });
    for (const b of bindings) entries.push({ binding: index++, resource: b instanceof GPUBuffer ? { buffer: b } : b });
    const bindGroup = this.gpu.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
    this.pass.setPipeline(pipeline);
    this.pass.setBindGroup(0, bindGroup);
    this.pass.dispatchWorkgroups(workgroups[0], workgroups[1], workgroups[2]);
    this.dispatches++;
  }

  /** Ends the pass to copy between buffers, then resumes computing. */
  copy(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, bytes: number): void {
    this.pass.end();
    this.encoder.copyBufferToBuffer(src, srcOffset, dst, dstOffset, bytes);
    this.pass = this.beginPass();
  }

  submit(): void {
    if (this.done) return;
    this.done = true;
    this.pass.end();
    this.stopwatch?.resolve(this.encoder);
    const queue = this.gpu.device.queue;
    for (const u of this.uniformBuffers) queue.writeBuffer(u.buffer, 0, u.data.buffer, 0, u.used);
    queue.submit([this.encoder.finish()]);
    for (const u of this.uniformBuffers) this.gpu.returnUniformBuffer(u.buffer);
    this.gpu.pool.flushDeferred();
    if (this.stopwatch) {
      const keys = this.passKeys;
      this.timing = keys ? this.stopwatch.readPasses().then(({ time, passMs }) => logPasses(this.label, passMs, keys, time)) : this.stopwatch.read();
      this.timing.catch(() => undefined); // observed by gpuTime(), if anyone asks
    }
  }

  /**
   * The GPU time of this timed batch's compute passes, once the GPU ran it (after submit()). Null, never an
   * estimate, when the device has no timestamp-query or a pass's stamps were not written.
   */
  async gpuTime(): Promise<GpuTime | null> {
    if (!this.timed) throw new Error(`gpuTime(): batch '${this.label}' was not created with { timed: true }`);
    if (!this.done) throw new Error(`gpuTime(): submit batch '${this.label}' first`);
    if (!this.timing) return null;
    try {
      return await this.timing;
    } catch (err) {
      this.gpu.assertAlive();
      throw err;
    }
  }

  private uniform(params: ArrayBuffer): GPUBufferBinding {
    if (params.byteLength > UNIFORM_SLOT) throw new Error(`uniform block of ${params.byteLength} bytes exceeds ${UNIFORM_SLOT}`);
    let u = this.uniformBuffers[this.uniformBuffers.length - 1];
    if (!u || u.used + UNIFORM_SLOT > UNIFORM_ARENA) {
      u = { buffer: this.gpu.takeUniformBuffer(), data: new Uint8Array(UNIFORM_ARENA), used: 0 };
      this.uniformBuffers.push(u);
    }
    const offset = u.used;
    u.data.set(new Uint8Array(params), offset);
    u.used += UNIFORM_SLOT;
    return { buffer: u.buffer, offset, size: Math.ceil(params.byteLength / 16) * 16 };
  }
}

let warned = false;
function profilingAvailable(gpu: Gpu): boolean {
  if (gpu.features.timestampQuery) return true;
  if (!warned) debugLog('timing: this device has no timestamp-query, so dispatches are not timed');
  warned = true;
  return false;
}

/** The `timing` debug flag's log of one batch: its GPU time, then each dispatch's ms and pipeline key. */
function logPasses(label: string, passMs: number[], keys: string[], time: GpuTime | null): GpuTime | null {
  const lines = keys.flatMap((k, i) => (k ? [`${passMs[i].toFixed(3).padStart(9)} ms  ${k}`] : []));
  const total = time ? `${time.ms.toFixed(3)} ms` : 'not measured (a pass went unwritten)';
  debugLog(`batch '${label}': ${total} on the GPU, ${lines.length} dispatches\n${lines.join('\n')}`);
  return time;
}
