// Compute pipelines, created once per (kernel, variant, override constants) and cached: nothing is compiled
// inside a denoising loop. Shader modules are shared between variants of the same source.

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
  private pipelines = new Map<string, GPUComputePipeline>();
  compiled = 0;

  constructor(private readonly device: GPUDevice) {}

  get(spec: KernelSpec): GPUComputePipeline {
    const entryPoint = spec.entryPoint ?? 'main';
    const constants = spec.constants ?? {};
    const key = `${spec.name}|${entryPoint}|${Object.keys(constants)
      .sort()
      .map((k) => `${k}=${constants[k]}`)
      .join(',')}|${spec.code.length}`;
    let pipeline = this.pipelines.get(key);
    if (pipeline) return pipeline;
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
    this.compiled++;
    this.pipelines.set(key, pipeline);
    return pipeline;
  }

  get size(): number {
    return this.pipelines.size;
  }
}
