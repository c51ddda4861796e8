// What a bench case is. A case owns its inputs; the harness (bench/harness.ts) checks every implementation
// against the expected output once, then times each one.
import type { Batch, Gpu } from '../../src/engine/gpu.ts';
import type { Tensor } from '../../src/engine/tensor.ts';
import type { Rng } from '../../src/lib/rng.ts';
import type { OrtSpec } from '../models.ts';

/**
 * Records ONE execution of the op into `b` and returns the tensor holding its output. The harness releases it
 * (returning it to the pool, so the next iteration reuses the buffer); an in-place op returns a view
 * (`t.reshape(t.shape)`), whose release is a no-op.
 */
export type Recorder = (b: Batch) => Tensor;

export interface CaseSetup {
  /** Our kernel; absent while its module is not on this branch (see bench/kernels.ts). */
  ours?: Recorder;
  /** The deliberately naive WGSL version of the same op. */
  naive?: Recorder;
  /** The same op as an ONNX model for onnxruntime-web's WebGPU EP. */
  ort?: OrtSpec;
  /**
   * The CPU result every implementation must match (|got - want| <= atol + rtol·|want|), computed from the same
   * inputs. Omit it where the CPU loop would be too slow (--full); the harness then checks against ORT's output.
   */
  expected?: () => Float32Array;
  atol: number;
  rtol: number;
  /** Floating-point operations of one execution, for GFLOP/s. */
  flops?: number;
  /**
   * At most this many timed samples, for a case whose one execution takes seconds (a whole block on a CPU
   * adapter); such a case's check execution is also its warm-up.
   */
  samples?: number;
  /** Lines for the report (why an implementation is missing, what differs). */
  notes?: string[];
  dispose(): void;
}

export interface BenchContext {
  gpu: Gpu;
  /** Where ORT runs: gpu.device, or a second device on the same adapter (bench/ort.ts ortDevice). */
  ortDevice: GPUDevice;
  /** Seeded: the same case gets the same inputs in every run. */
  rng: Rng;
}

export interface BenchCase {
  /** Op name, matched by --filter (e.g. 'matmul_q4'). */
  op: string;
  /** Shape label for the table (e.g. 'M=64 K=256 N=256'). */
  shape: string;
  setup(ctx: BenchContext): CaseSetup | Promise<CaseSetup>;
}

/** Size presets: 'default' is what the CPU-emulated adapter runs in seconds; 'full' is Z-Image's real shapes. */
export type SizePreset = 'default' | 'full';

/** A case module: the cases it contributes for a preset. */
export type CaseFactory = (preset: SizePreset) => BenchCase[];
