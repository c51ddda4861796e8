// Compute pipelines, created once per (shader key, entry point, override constants) and cached: nothing is
// compiled inside a denoising loop. Shader modules are shared by every pipeline of one composed shader (compose.ts);
// both maps are keyed by readable names, never by source text, and a key that comes with another source throws.
// Each creation runs inside validation and out-of-memory error scopes. Recording stays synchronous, so a failure
// (a shader the implementation rejects, a workgroup over its limits) arrives later: it is kept as a typed error
// naming the kernel, `failure` holds the first one, and Gpu.sync() throws it instead of returning results computed
// by a pipeline that never existed.
import { StudioError } from '../lib/errors.ts';
import type { Shader } from './compose.ts';
import { debug, debugLog } from './debug.ts';

export interface KernelSpec {
  /** The composed shader (compose.ts). */
  shader: Shader;
  entryPoint?: string;
  /** WGSL `override` constants (workgroup sizes, tile sizes, switches that leave the source alone). */
  constants?: Record<string, number>;
}

/** The pipeline's key: shader key | entry point | constants sorted by name, e.g. `rope|main|HALF=1,WG=256`. */
export function pipelineKey(spec: KernelSpec): string {
  const constants = spec.constants ?? {};
  const list = Object.keys(constants)
    .sort()
    .map((k) => `${k}=${constants[k]}`)
    .join(',');
  return `${spec.shader.key}|${spec.entryPoint ?? 'main'}|${list}`;
}

export class PipelineCache {
  private modules = new Map<string, { code: string; module: GPUShaderModule }>(); // shader key -> module
  private pipelines = new Map<string, GPUComputePipeline>(); // pipelineKey -> pipeline
  private pending: Promise<void>[] = [];
  compiled = 0;
  /** The first pipeline creation that failed, if any. */
  failure: StudioError | null = null;

  constructor(private readonly device: GPUDevice) {}

  get(spec: KernelSpec): GPUComputePipeline {
    const key = pipelineKey(spec);
    let pipeline = this.pipelines.get(key);
    const { shader } = spec;
    if (pipeline) {
      // Same string object in the common case (shader() caches it), so this costs a pointer compare.
      if (this.modules.get(shader.key)?.code !== shader.code) throw new Error(`pipeline ${key}: one key, two sources`);
      return pipeline;
    }
    const entryPoint = spec.entryPoint ?? 'main';
    const constants = spec.constants ?? {};
    let known = this.modules.get(shader.key);
    if (known && known.code !== shader.code) throw new Error(`shader ${shader.key}: one key, two sources`);
    this.device.pushErrorScope('validation');
    this.device.pushErrorScope('out-of-memory');
    if (!known) {
      if (debug.shaders) debugLog(`shader ${shader.key} (parts: ${shader.parts.join(', ')})\n${shader.code}`);
      known = { code: shader.code, module: this.device.createShaderModule({ code: shader.code, label: shader.key }) };
      this.modules.set(shader.key, known);
    }
    pipeline = this.device.createComputePipeline({
      layout: 'auto',
      label: key,
      compute: { module: known.module, entryPoint, constants },
    });
    const what = `kernel ${shader.key}:${entryPoint} (${Object.entries(constants).map(([k, v]) => `${k}=${v}`).join(', ') || 'no constants'})`;
    const oom = this.device.popErrorScope();
    const invalid = this.device.popErrorScope();
    this.pending.push(
      Promise.all([oom, invalid]).then(([o, v]) => {
        const err = o ?? v;
        if (!err || this.failure) return;
        this.failure = new StudioError(
          o ? 'out-of-memory' : 'validation',
          `The GPU could not build ${what}: ${err.message}. This browser or GPU may not support a feature it needs; try updating the browser or GPU driver.`,
        );
      }),
    );
    this.compiled++;
    this.pipelines.set(key, pipeline);
    return pipeline;
  }

  /** Waits for the error scopes of every pipeline created so far; throws the first failure. */
  async settle(): Promise<void> {
    const pending = this.pending;
    this.pending = [];
    await Promise.all(pending);
    if (this.failure) throw this.failure;
  }

  get size(): number {
    return this.pipelines.size;
  }
}
