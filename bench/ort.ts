// onnxruntime-web's WebGPU execution provider on OUR GPUDevice (ORT 1.30 accepts one in the EP options), so it
// runs on the same adapter and device as our kernels and the same queue fence times both.
//
// Except where ORT's subgroup kernels cannot run correctly: they assume at least 8 lanes per subgroup, and
// SwiftShader has 4 (measured: MultiHeadAttention's flash-attention path returned wrong values for L >= 64 with
// `subgroups` on, right ones with it off). There ORT gets its own device from the same adapter without that
// feature, and the result says so.
//
// What an ORT time includes: one `session.run()` with its inputs already in GPU buffers and its output written
// into a preallocated GPU buffer (no upload, no readback), so it is ORT's CPU-side dispatch through wasm plus
// the GPU work of every kernel it launches for the operator. Our times include our JS recording plus GPU work;
// ours can put many iterations in one submission, ORT submits per run (that is how each is used).
import * as ort from 'onnxruntime-web/webgpu';
import type { OrtSpec } from './models.ts';

let configured = false;

/** Where ORT fetches its wasm (the asyncify build carries the WebGPU EP): a URL folder ending in '/'. */
export function configureOrt(wasmBase: string): void {
  if (configured) return;
  configured = true;
  ort.env.wasm.numThreads = 1; // no SharedArrayBuffer needed (the dev server is not cross-origin isolated)
  ort.env.wasm.wasmPaths = wasmBase;
  ort.env.logLevel = 'error';
}

/** The smallest subgroup ORT's WebGPU kernels are written for. */
const ORT_MIN_SUBGROUP = 8;

export type OrtDeviceMode = 'auto' | 'shared' | 'separate';

/** The device ORT runs on: ours, or (mode 'separate', or 'auto' with too-small subgroups) one without subgroups. */
export async function ortDevice(ours: GPUDevice, hasSubgroups: boolean, mode: OrtDeviceMode): Promise<{ device: GPUDevice; description: string }> {
  const adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
  const minSubgroup = adapter?.info.subgroupMinSize ?? 0;
  const tooSmall = hasSubgroups && minSubgroup > 0 && minSubgroup < ORT_MIN_SUBGROUP;
  if (mode === 'shared' || (mode === 'auto' && !tooSmall) || !adapter)
    return { device: ours, description: 'our device (same features and limits)' };
  const requiredFeatures = (['timestamp-query', 'shader-f16'] as GPUFeatureName[]).filter((f) => adapter.features.has(f));
  const requiredLimits: Record<string, number> = {};
  for (const k of ['maxBufferSize', 'maxStorageBufferBindingSize', 'maxComputeWorkgroupStorageSize', 'maxComputeInvocationsPerWorkgroup'] as const)
    requiredLimits[k] = adapter.limits[k];
  const device = await adapter.requestDevice({ requiredFeatures, requiredLimits });
  const why = tooSmall ? `subgroup size ${minSubgroup} < ${ORT_MIN_SUBGROUP}, which ORT's subgroup kernels assume` : 'requested';
  return { device, description: `a second device on the same adapter without subgroups (${why})` };
}

export const ortVersion = (): string => ort.env.versions.web ?? ort.env.versions.common;

export class OrtRunner {
  private constructor(
    private readonly device: GPUDevice,
    private readonly session: ort.InferenceSession,
    private readonly feeds: Record<string, ort.Tensor>,
    private readonly fetches: Record<string, ort.Tensor>,
    private readonly buffers: GPUBuffer[],
    readonly output: GPUBuffer,
    readonly outputBytes: number,
  ) {}

  static async create(device: GPUDevice, spec: OrtSpec): Promise<OrtRunner> {
    const session = await ort.InferenceSession.create(spec.model, {
      executionProviders: [{ name: 'webgpu', device }],
      preferredOutputLocation: 'gpu-buffer',
      graphOptimizationLevel: 'all',
      // Fail rather than silently run an operator the WebGPU EP lacks on ORT's CPU (wasm) EP.
      extra: { session: { disable_cpu_ep_fallback: '1' } },
    });
    const buffers: GPUBuffer[] = [];
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    const feeds: Record<string, ort.Tensor> = {};
    for (const f of spec.feeds) {
      const bytes = new Uint8Array(f.data.buffer as ArrayBuffer, f.data.byteOffset, f.data.byteLength);
      const buffer = device.createBuffer({ size: Math.max(16, Math.ceil(bytes.byteLength / 16) * 16), usage, label: `ort.${f.name}` });
      device.queue.writeBuffer(buffer, 0, bytes);
      buffers.push(buffer);
      feeds[f.name] = ort.Tensor.fromGpuBuffer(buffer, { dataType: f.type, dims: f.dims });
    }
    const outputBytes = spec.output.dims.reduce((a, b) => a * b, 1) * 4;
    const output = device.createBuffer({ size: Math.max(16, Math.ceil(outputBytes / 16) * 16), usage, label: 'ort.out' });
    buffers.push(output);
    const fetches = { [spec.output.name]: ort.Tensor.fromGpuBuffer(output, { dataType: 'float32', dims: spec.output.dims }) };
    return new OrtRunner(device, session, feeds, fetches, buffers, output, outputBytes);
  }

  /** Waits for this runner's device queue to drain. */
  sync(): Promise<void> {
    return this.device.queue.onSubmittedWorkDone();
  }

  /** One inference; its GPU work is done once the queue drains. */
  async run(): Promise<void> {
    await this.session.run(this.feeds, this.fetches);
  }

  async read(): Promise<Float32Array> {
    await this.device.queue.onSubmittedWorkDone();
    const staging = this.device.createBuffer({ size: this.output.size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const enc = this.device.createCommandEncoder();
    enc.copyBufferToBuffer(this.output, 0, staging, 0, this.output.size);
    this.device.queue.submit([enc.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const out = new Float32Array(staging.getMappedRange().slice(0, this.outputBytes));
    staging.unmap();
    staging.destroy();
    return out;
  }

  async dispose(): Promise<void> {
    await this.session.release();
    for (const b of this.buffers) b.destroy();
  }
}
