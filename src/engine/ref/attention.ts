// CPU reference for shaders/attention.wgsl and shaders/attention_naive.wgsl: the textbook two-pass softmax per
// query row, in f64, with the (Lk) score row materialised.
export interface AttentionRefOptions {
  heads: number;
  kvHeads: number;
  headDim: number;
  causal?: boolean;
  scale?: number;
}

/**
 * q (Lq, heads, hd), k and v (Lk, kvHeads, hd), row-major f32; returns out (Lq, heads, hd). Query head h reads kv
 * head floor(h / (heads / kvHeads)); causal lets query i see keys 0 .. i + Lk - Lq (Lq <= Lk: the queries are the last
 * Lq positions).
 */
export function attentionRef(q: Float32Array, k: Float32Array, v: Float32Array, opts: AttentionRefOptions): Float32Array {
  const { heads, kvHeads, headDim: hd } = opts;
  const lq = q.length / (heads * hd);
  const lk = k.length / (kvHeads * hd);
  const scale = opts.scale ?? 1 / Math.sqrt(hd);
  const group = heads / kvHeads;
  const out = new Float32Array(q.length); // (Lq, heads, hd)
  const scores = new Float64Array(lk); // (Lk) one query row's scores, then weights
  const acc = new Float64Array(hd); // (hd)
  for (let h = 0; h < heads; h++) {
    const hk = Math.floor(h / group);
    for (let i = 0; i < lq; i++) {
      const n = opts.causal ? Math.min(lk, i + 1 + lk - lq) : lk; // keys this row sees
      const qOff = (i * heads + h) * hd; // elements
      let max = -Infinity;
      for (let j = 0; j < n; j++) {
        const kOff = (j * kvHeads + hk) * hd; // elements
        let s = 0;
        for (let d = 0; d < hd; d++) s += q[qOff + d] * k[kOff + d];
        scores[j] = s * scale;
        if (scores[j] > max) max = scores[j];
      }
      let sum = 0;
      for (let j = 0; j < n; j++) {
        scores[j] = Math.exp(scores[j] - max);
        sum += scores[j];
      }
      acc.fill(0);
      for (let j = 0; j < n; j++) {
        const vOff = (j * kvHeads + hk) * hd; // elements
        const w = scores[j] / sum;
        for (let d = 0; d < hd; d++) acc[d] += w * v[vOff + d];
      }
      for (let d = 0; d < hd; d++) out[qOff + d] = acc[d];
    }
  }
  return out;
}
