// CPU reference for shaders/group_norm.wgsl: torch.nn.GroupNorm (biased variance) then optional SiLU, with
// two-pass f64 statistics per group.
export function groupNormRef(
  x: Float32Array, // (C, H, W)
  shape: readonly number[],
  opts: { groups: number; eps: number; weight: Float32Array /* (C) */; bias: Float32Array /* (C) */; silu?: boolean },
): Float32Array {
  const [c, h, w] = shape;
  const hw = h * w;
  const cpg = c / opts.groups;
  const n = cpg * hw; // elements per group
  const out = new Float32Array(x.length); // (C, H, W)
  for (let g = 0; g < opts.groups; g++) {
    const base = g * n;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += x[base + i];
    const mean = sum / n;
    let sq = 0;
    for (let i = 0; i < n; i++) sq += (x[base + i] - mean) ** 2;
    const rstd = 1 / Math.sqrt(sq / n + opts.eps);
    for (let ch = g * cpg; ch < (g + 1) * cpg; ch++) {
      for (let i = 0; i < hw; i++) {
        let y = (x[ch * hw + i] - mean) * rstd * opts.weight[ch] + opts.bias[ch];
        if (opts.silu) y = y / (1 + Math.exp(-y));
        out[ch * hw + i] = y;
      }
    }
  }
  return out;
}
