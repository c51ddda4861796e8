// A recording GPU for Node: a fake GPUDevice that keeps no data, only what was asked of it (every buffer's size and
// label, bytes written), wrapped in the real engine Gpu (Gpu.fromHandle), so the production loaders
// (models/zimage/load.ts) run unchanged. Limits are those of a typical 8 GB adapter.
import type { DeviceHandle } from '../../src/engine/device.ts';
import { Gpu } from '../../src/engine/gpu.ts';

export const ADAPTER_8GB_LIMITS: DeviceHandle['limits'] = {
  maxBufferSize: 2 ** 31 - 4, // bytes
  maxStorageBufferBindingSize: 2 ** 31 - 4, // bytes
  maxComputeWorkgroupStorageSize: 32768,
  maxComputeInvocationsPerWorkgroup: 1024,
  maxComputeWorkgroupsPerDimension: 65535,
  maxStorageBuffersPerShaderStage: 10,
  minUniformBufferOffsetAlignment: 256,
};

export interface Recording {
  buffers: number; // created
  allocatedBytes: number; // sum of created buffer sizes
  liveBytes: number; // created and not destroyed
  writtenBytes: number; // mapped-at-creation ranges unmapped, plus queue.writeBuffer data
  byLabel: Map<string, number>; // bytes allocated per buffer label
}

class RecordingBuffer {
  private mapped: ArrayBuffer | null = null;
  destroyed = false;
  constructor(
    readonly size: number,
    readonly usage: number,
    readonly label: string,
    private readonly rec: Recording,
    mappedAtCreation: boolean,
  ) {
    if (mappedAtCreation) this.mapped = new ArrayBuffer(size);
  }
  getMappedRange(offset = 0, size?: number): ArrayBuffer {
    if (!this.mapped) throw new Error(`getMappedRange on unmapped buffer ${this.label}`);
    return offset === 0 && size === undefined ? this.mapped : this.mapped.slice(offset, offset + (size ?? this.size - offset));
  }
  unmap(): void {
    if (this.mapped) this.rec.writtenBytes += this.size;
    this.mapped = null; // the bytes are dropped: only their count is kept
  }
  async mapAsync(): Promise<void> {
    this.mapped = new ArrayBuffer(this.size);
  }
  destroy(): void {
    if (!this.destroyed) this.rec.liveBytes -= this.size;
    this.destroyed = true;
  }
}

function notOnLoadPath(what: string): never {
  throw new Error(`recording GPU: ${what} is not expected while loading weights`);
}

/** The fake device and its recording; `gpu` is the real engine Gpu over it. */
export function recordingGpu(limits = ADAPTER_8GB_LIMITS): { gpu: Gpu; rec: Recording } {
  const rec: Recording = { buffers: 0, allocatedBytes: 0, liveBytes: 0, writtenBytes: 0, byLabel: new Map() };
  let scopes = 0;
  const device = {
    limits,
    features: new Set<string>(),
    addEventListener: () => {},
    createBuffer: (d: GPUBufferDescriptor) => {
      if (d.size > limits.maxBufferSize) notOnLoadPath(`a buffer of ${d.size} bytes (over maxBufferSize)`);
      rec.buffers++;
      rec.allocatedBytes += d.size;
      rec.liveBytes += d.size;
      const label = (d.label ?? '').replace(/\.\d+\./g, '.N.');
      rec.byLabel.set(label, (rec.byLabel.get(label) ?? 0) + d.size);
      return new RecordingBuffer(d.size, d.usage, d.label ?? '', rec, Boolean(d.mappedAtCreation));
    },
    pushErrorScope: () => {
      scopes++;
    },
    popErrorScope: async () => {
      if (scopes-- <= 0) throw new Error('popErrorScope without a scope');
      return null;
    },
    queue: {
      writeBuffer: (_b: GPUBuffer, _o: number, data: BufferSource, dataOffset = 0, size?: number) => {
        rec.writtenBytes += size ?? data.byteLength - dataOffset;
      },
      submit: () => {},
      onSubmittedWorkDone: async () => {},
    },
    createShaderModule: () => notOnLoadPath('createShaderModule'),
    createComputePipeline: () => notOnLoadPath('createComputePipeline'),
    createCommandEncoder: () => notOnLoadPath('createCommandEncoder'),
    destroy: () => {},
  };
  const handle: DeviceHandle = {
    device: device as unknown as GPUDevice,
    adapter: { vendor: 'recording', architecture: 'node', device: 'fake', description: 'recording GPU (no data kept)', isFallbackAdapter: false },
    features: { subgroups: false, timestampQuery: false, shaderF16: false },
    limits,
    lost: new Promise(() => {}),
  };
  return { gpu: Gpu.fromHandle(handle), rec };
}

/** Recorded bytes per network, by the canonical tensor names the loaders label buffers with. */
export function bytesByNetwork(rec: Recording): { transformer: number; textEncoder: number; vae: number } {
  const out = { transformer: 0, textEncoder: 0, vae: 0 };
  for (const [label, bytes] of rec.byLabel) {
    if (label.startsWith('model.')) out.textEncoder += bytes;
    else if (label.startsWith('encoder.') || label.startsWith('decoder.')) out.vae += bytes;
    else out.transformer += bytes;
  }
  return out;
}

/** Recorded bytes of buffers whose label starts with `prefix` (layer indices read as `.N.`: 'layers.N.'). */
export function bytesUnder(rec: Recording, prefix: string): number {
  let n = 0;
  for (const [label, bytes] of rec.byLabel) if (label.startsWith(prefix)) n += bytes;
  return n;
}
