// Compute pipelines, created once per (kernel, variant, override constants) and cached: nothing is compiled
// inside a denoising loop. Shader modules are shared between variants of the same source.
// Each creation runs inside validation and out-of-memory error scopes. Recording stays synchronous, so a failure
// (a shader the implementation rejects, a workgroup over its limits) arrives later: it is kept as a typed error
// naming the kernel, `failure` holds the first one, and Gpu.sync() throws it instead of returning results computed
// by a pipeline that never existed.
import { StudioError } from '../lib/errors.ts';

export interface KernelSpec {
  /** Kernel name, the snake_case of its shaders/ file (e.g. 'rms_norm'). */
  name: string;
  /** WGSL source, imported from shaders/ with `?raw`. */
  code: string;
  entryPoint?: string;
  /** WGSL `override` constants (workgroup sizes, tile sizes, variant switches). */
  constants?: Record<string, number>;
}

export class PipelineCache {
  private modules = new Map<string, GPUShaderModule>();
  private pipelines = new Map<string, Map<string, GPUComputePipeline>>(); // code -> name|entry|constants -> pipeline
  private pending: Promise<void>[] = [];
  compiled = 0;
  /** The first pipeline creation that failed, if any. */
  failure: StudioError | null = null;

  constructor(private readonly device: GPUDevice) {}

  get(spec: KernelSpec): GPUComputePipeline {
    const entryPoint = spec.entryPoint ?? 'main';
    const constants = spec.constants ?? {};
    const key = `${spec.name}|${entryPoint}|${Object.keys(constants)
      .sort()
      .map((k) => `${k}=${constants[k]}`)
      .join(',')}`;
    let forCode = this.pipelines.get(spec.code);
    if (!forCode) this.pipelines.set(spec.code, (forCode = new Map()));
    let pipeline = forCode.get(key);
    if (pipeline) return pipeline;
    this.device.pushErrorScope('validation');
    this.device.pushErrorScope('out-of-memory');
    let module = this.modules.get(spec.code);
    if (!module) {
      module = this.device.createShaderModule({ code: spec.code, label: spec.name });
      this.modules.set(spec.code, module);
    }
    pipeline = this.device.createComputePipeline({
      layout: 'auto',
      label: `${spec.name}:${entryPoint}`,
      compute: { module, entryPoint, constants },
    });
    const what = `kernel ${spec.name} (${Object.entries(constants).map(([k, v]) => `${k}=${v}`).join(', ') || 'no constants'})`;
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
    forCode.set(key, pipeline);
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
    let n = 0;
    for (const m of this.pipelines.values()) n += m.size;
    return n;
  }
}
