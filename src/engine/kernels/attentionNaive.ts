// Naive attention (one invocation per query row and head, score rows materialised in a scratch buffer): the
// benchmark's baseline for attention.ts, same signature and checks. Bindings and dispatch: shaders/attention_naive.wgsl.
import code from '../../../shaders/attention_naive.wgsl?raw';
import { fileShader } from '../compose.ts';
import { StudioError } from '../../lib/errors.ts';
import type { Batch } from '../gpu.ts';
import { params } from '../params.ts';
import type { Tensor } from '../tensor.ts';
import { type AttentionOptions, checkAttention } from './attention.ts';

export const attentionNaiveShader = fileShader('attention_naive', code);

const WG = 64;
const SCRATCH_CAP = 256 * 2 ** 20; // bytes of score scratch per dispatch; more heads go in further dispatches

/** out = softmax(q kᵀ · scale [+ causal mask]) v, like attention(), but slowly; returns (Lq, heads·headDim). */
export function attentionNaive(b: Batch, q: Tensor, k: Tensor, v: Tensor, opts: AttentionOptions): Tensor {
  const s = checkAttention('attentionNaive', q, k, v, opts);
  const limits = b.gpu.limits;
  const rowBytes = s.lq * s.lk * 4; // bytes of scores per head
  const cap = Math.min(SCRATCH_CAP, limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  if (rowBytes > cap)
    throw new StudioError(
      'limits',
      `attentionNaive: one head's ${s.lq}x${s.lk} score matrix needs ${(rowBytes / 2 ** 20).toFixed(1)} MiB, more than the ${(cap / 2 ** 20).toFixed(0)} MiB scratch it may use. Use attention() instead.`,
    );
  const groups = Math.ceil(s.lq / WG);
  if (groups > limits.maxComputeWorkgroupsPerDimension) throw new RangeError(`attentionNaive: Lq ${s.lq} exceeds the dispatch grid`);
  const chunk = Math.min(s.heads, Math.floor(cap / rowBytes), limits.maxComputeWorkgroupsPerDimension); // heads per dispatch
  const out = opts.out ?? b.gpu.empty([s.lq, s.heads * s.headDim], 'f32', 'attentionNaive.out'); // (Lq, Hq·hd)
  const scratch = b.gpu.empty([chunk, s.lq, s.lk], 'f32', 'attentionNaive.scores'); // (Hc, Lq, Lk)
  for (let h0 = 0; h0 < s.heads; h0 += chunk) {
    const hc = Math.min(chunk, s.heads - h0);
    const u = params()
      .u32(s.lq)
      .u32(s.lk)
      .u32(s.heads)
      .u32(s.kvHeads)
      .u32(s.heads / s.kvHeads)
      .u32(s.causal ? s.lk - s.lq + 1 : 0)
      .u32(s.headDim)
      .u32(h0)
      .f32(s.scale)
      .build();
    b.dispatch({ shader: attentionNaiveShader, constants: { WG } }, u, [q.data, k.data, v.data, out.data, scratch.data], [groups, hc, 1]);
  }
  scratch.release(); // safe: later users of the buffer are ordered after these dispatches
  return out;
}
