// Choosing the next token from one row of logits: greedy (argmax) or temperature + nucleus (top-p) sampling with
// the studio's seeded generator, so a seed reproduces a generation on the same adapter. Pure, testable in Node.
import type { Rng } from '../../lib/rng.ts';

export interface SamplingOptions {
  /** 0 (or less): greedy. Otherwise logits are divided by it before the softmax. */
  temperature: number;
  /** Nucleus: keep the most likely tokens whose probabilities sum to at least topP (0 < topP <= 1). */
  topP: number;
}

export const GREEDY: Readonly<SamplingOptions> = { temperature: 0, topP: 1 };

/** Index of the largest logit; ties go to the lowest index (torch.argmax's rule on CPU). */
export function argmax(logits: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
  return best;
}

/**
 * The next token for `logits` (V). Greedy when temperature <= 0; otherwise softmax(logits / T) restricted to the
 * smallest set of most likely tokens whose mass reaches topP, renormalised, drawn with one uniform from `rng`.
 */
export function sampleToken(logits: ArrayLike<number>, opts: SamplingOptions, rng: Rng): number {
  if (!(opts.temperature > 0)) return argmax(logits);
  if (!(opts.topP > 0 && opts.topP <= 1)) throw new RangeError(`top-p must be in (0, 1], got ${opts.topP}`);
  const n = logits.length;
  const max = logits[argmax(logits)];
  const p = new Float64Array(n); // unnormalised probabilities
  let sum = 0;
  for (let i = 0; i < n; i++) {
    p[i] = Math.exp((logits[i] - max) / opts.temperature);
    sum += p[i];
  }
  // Only the candidates that can be in the nucleus are sorted: tokens below 1e-12 of the total never matter.
  const order = Array.from({ length: n }, (_, i) => i).filter((i) => p[i] > sum * 1e-12);
  order.sort((a, b) => p[b] - p[a] || a - b);
  let kept = 0;
  let mass = 0;
  while (kept < order.length && (kept === 0 || mass < opts.topP * sum)) mass += p[order[kept++]];
  let u = rng.uniform() * mass;
  for (let j = 0; j < kept; j++) {
    u -= p[order[j]];
    if (u < 0) return order[j];
  }
  return order[kept - 1];
}
