// LoRA side products beside the transformer's matmuls (lora.ts builds the stacked deltas). For a projection
// y = x·Wᵀ (+ bias) with delta (A (R, K), B (N, R)): t = x·Aᵀ (M, R), then y += t·Bᵀ through the matmul's
// accumulate epilogue — the base weight is read as stored (q4, GGUF blocks, f16, f32), never dequantized. For the
// SwiGLU pair w1 / w3 the products u = t·Bᵀ are added to the gate and up accumulators before SiLU (the reference
// merges the delta into W, so it acts inside the nonlinearity).
import type { Batch } from '../../engine/gpu.ts';
import * as ops from '../../engine/ops.ts';
import { scope } from '../../engine/scope.ts';
import type { Tensor } from '../../engine/tensor.ts';
import type { LoraDelta } from './lora.ts';

type Weight = Parameters<typeof ops.matmul>[2];

/** scale·x·Aᵀ·Bᵀ (M, N) for a stacked delta (scale already folded into B). */
export function loraProduct(b: Batch, x: Tensor, d: LoraDelta): Tensor {
  return scope(() => ops.matmul(b, ops.matmul(b, x, d.a), d.b)); // (M, R) -> (M, N)
}

/** y += x·Aᵀ·Bᵀ in place. */
export function addLora(b: Batch, x: Tensor, d: LoraDelta, y: Tensor): void {
  scope(() => ops.matmul(b, ops.matmul(b, x, d.a), d.b, { out: y, accumulate: true })); // (M, R) -> y (M, N)
}

/** y = x·Wᵀ (+ bias) with an optional LoRA delta; without one, exactly the plain matmul. */
export function linear(b: Batch, x: Tensor, w: Weight, d: LoraDelta | undefined, bias?: Tensor): Tensor {
  const y = ops.matmul(b, x, w, { bias });
  if (d) addLora(b, x, d, y);
  return y;
}

/** silu(x·W1ᵀ + Δ1) * (x·W3ᵀ + Δ3) with optional deltas on either; without any, exactly matmulSwiGLU. */
export function swiglu(b: Batch, x: Tensor, w1: Weight, w3: Weight, d1: LoraDelta | undefined, d3: LoraDelta | undefined): Tensor {
  return scope(() => {
    const addGate = d1 && loraProduct(b, x, d1); // (M, F)
    const addUp = d3 && loraProduct(b, x, d3);
    return ops.matmulSwiGLU(b, x, w1, w3, { addGate, addUp }); // (M, F)
  });
}
