// ReLU, the residual sum + ReLU of a TAESD Block, and TAESD's tanh clamp. Bindings and dispatch:
// shaders/activation.wgsl. Operands have the same number of elements (any shapes); the result has the first one's
// shape. `inPlace` (or `out` = the first operand) writes into the first operand and returns it.
import code from '../../../shaders/activation.wgsl?raw';
import { fileShader } from '../compose.ts';
import { type Batch, grid } from '../gpu.ts';
import { params } from '../params.ts';
import type { Tensor } from '../tensor.ts';
import { checkF32, checkNoAlias, outputFor, placeholder } from './common.ts';

export const activationShader = fileShader('activation', code);

const WG = 256;
const OP = { relu: 0, addRelu: 1, tanhClamp: 2 } as const;

export interface ActivationOptions {
  out?: Tensor;
  inPlace?: boolean;
}

function activation(batch: Batch, name: string, op: number, a: Tensor, c: Tensor | undefined, alpha: number, opts: ActivationOptions): Tensor {
  checkF32(name, 'a', a);
  if (c) {
    checkF32(name, 'b', c);
    if (c.numel !== a.numel) throw new RangeError(`${name}: [${a.shape}] and b [${c.shape}] differ in size`);
  }
  const inPlace = opts.inPlace || (opts.out !== undefined && opts.out.data === a.data);
  const out = inPlace ? a : outputFor(batch, name, a.shape, opts.out);
  checkNoAlias(name, out, inPlace ? 'the in-place operand' : 'out', inPlace ? { b: c } : { a, b: c });
  const n = a.numel;
  const g = grid(Math.ceil(n / WG), batch.gpu.limits.maxComputeWorkgroupsPerDimension);
  const u = params().u32(n).u32(g[0] * WG).f32(alpha).u32(0).build();
  const bindings = [c?.data ?? placeholder(batch.gpu), out.data];
  if (!inPlace) bindings.push(a.data);
  batch.dispatch({ shader: activationShader, entryPoint: inPlace ? 'main_ip' : 'main', constants: { OP: op, WG } }, u, bindings, g);
  return out;
}

/** max(a, 0). */
export function relu(b: Batch, a: Tensor, opts: ActivationOptions = {}): Tensor {
  return activation(b, 'relu', OP.relu, a, undefined, 1, opts);
}

/** max(a + c, 0): a residual Block's sum and its fuse ReLU. */
export function addRelu(b: Batch, a: Tensor, c: Tensor, opts: ActivationOptions = {}): Tensor {
  return activation(b, 'addRelu', OP.addRelu, a, c, 1, opts);
}

/** limit * tanh(a / limit): TAESD's Clamp (limit 3). */
export function tanhClamp(b: Batch, a: Tensor, limit: number, opts: ActivationOptions = {}): Tensor {
  if (!(Number.isFinite(limit) && limit > 0)) throw new RangeError(`tanhClamp: the limit must be a positive number, got ${limit}`);
  return activation(b, 'tanhClamp', OP.tanhClamp, a, undefined, limit, opts);
}
