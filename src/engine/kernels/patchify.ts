// Z-Image patchify / unpatchify (F = 1). Bindings, layouts and dispatch: shaders/patchify.wgsl.
import code from '../../../shaders/patchify.wgsl?raw';
import { fileShader } from '../compose.ts';
import { type Batch, grid } from '../gpu.ts';
import { params } from '../params.ts';
import type { Tensor } from '../tensor.ts';
import { checkF32, checkNoAlias, outputFor } from './common.ts';

export const patchifyShader = fileShader('patchify', code);

const WG = 256;

export interface PatchOptions {
  channels: number; // C (16 for the DiT)
  height: number; // H, latent rows, a multiple of patch
  width: number; // W, latent columns, a multiple of patch
  patch: number; // P (2 for the DiT)
  out?: Tensor;
}

function check(op: string, o: PatchOptions): { tokens: number; feats: number; n: number } {
  for (const k of ['channels', 'height', 'width', 'patch'] as const)
    if (!Number.isInteger(o[k]) || o[k] < 1) throw new RangeError(`${op}: ${k} must be a positive integer, got ${o[k]}`);
  if (o.height % o.patch || o.width % o.patch)
    throw new RangeError(`${op}: ${o.height}x${o.width} is not a multiple of the patch ${o.patch}`);
  const tokens = (o.height / o.patch) * (o.width / o.patch);
  const feats = o.patch * o.patch * o.channels;
  return { tokens, feats, n: tokens * feats };
}

function run(b: Batch, entryPoint: string, o: PatchOptions, n: number, src: Tensor, dst: Tensor): void {
  checkNoAlias(entryPoint, dst, 'out', { src });
  const g = grid(Math.ceil(n / WG), b.gpu.limits.maxComputeWorkgroupsPerDimension);
  const u = params().u32(n).u32(o.channels).u32(o.height).u32(o.width).u32(o.patch).u32(g[0] * WG).build();
  b.dispatch({ shader: patchifyShader, entryPoint, constants: { WG } }, u, [src.data, dst.data], g);
}

/** x (C, H, W) -> tokens (H/P * W/P, P*P*C). */
export function patchify(b: Batch, x: Tensor, opts: PatchOptions): Tensor {
  const { tokens, feats, n } = check('patchify', opts);
  checkF32('patchify', 'x', x);
  if (x.numel !== n) throw new RangeError(`patchify: x [${x.shape}] is not (${opts.channels}, ${opts.height}, ${opts.width})`);
  const out = outputFor(b, 'patchify', [tokens, feats], opts.out);
  run(b, 'patchify', opts, n, x, out);
  return out;
}

/** tokens (>= H/P * W/P, P*P*C), first H/P * W/P rows used -> x (C, H, W). */
export function unpatchify(b: Batch, tokens: Tensor, opts: PatchOptions): Tensor {
  const { tokens: t, feats, n } = check('unpatchify', opts);
  checkF32('unpatchify', 'tokens', tokens);
  const cols = tokens.shape[tokens.shape.length - 1];
  if (cols !== feats || tokens.numel < n)
    throw new RangeError(`unpatchify: tokens [${tokens.shape}] must be (>= ${t}, ${feats})`);
  const out = outputFor(b, 'unpatchify', [opts.channels, opts.height, opts.width], opts.out);
  run(b, 'unpatchify', opts, n, tokens, out);
  return out;
}
