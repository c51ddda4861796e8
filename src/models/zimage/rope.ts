// RoPE tables, built on the CPU once per generation and uploaded: (L, headDim/2) cos and sin.
import type { TransformerConfig } from './config.ts';

export interface RopeTables {
  cos: Float32Array; // (L, hd/2)
  sin: Float32Array; // (L, hd/2)
  rows: number; // L
  pairs: number; // hd/2
}

/**
 * Z-Image's 3-axis RoPE (zimage-spec §5.3): axis a with dim d_a has d_a/2 frequencies theta^(-2j/d_a), computed in
 * float64; angle = p_a * w (float64, then cast to float32, as the reference's `freqs.float()`).
 */
export function dit3AxisRope(cfg: TransformerConfig, positions: Int32Array /* (L, 3) */): RopeTables {
  const rows = positions.length / 3;
  const freqs: number[][] = cfg.axesDims.map((d) => {
    const f: number[] = [];
    for (let j = 0; j < d / 2; j++) f.push(1 / cfg.ropeTheta ** ((2 * j) / d));
    return f;
  });
  const pairs = freqs.reduce((s, f) => s + f.length, 0);
  const cos = new Float32Array(rows * pairs);
  const sin = new Float32Array(rows * pairs);
  for (let r = 0; r < rows; r++) {
    let k = r * pairs;
    for (let a = 0; a < 3; a++) {
      const p = positions[r * 3 + a];
      for (const w of freqs[a]) {
        const angle = Math.fround(p * w);
        cos[k] = Math.cos(angle);
        sin[k] = Math.sin(angle);
        k++;
      }
    }
  }
  return { cos, sin, rows, pairs };
}

/**
 * Qwen3's rotate-half RoPE: inv_freq[j] = 1 / theta^(2j/hd) in float32, angle = pos * inv_freq (float32),
 * positions 0..L-1.
 */
export function qwenRope(headDim: number, theta: number, rows: number, start = 0): RopeTables {
  const pairs = headDim / 2;
  const inv = new Float32Array(pairs);
  for (let j = 0; j < pairs; j++) inv[j] = 1 / Math.fround(theta ** Math.fround((2 * j) / headDim));
  const cos = new Float32Array(rows * pairs);
  const sin = new Float32Array(rows * pairs);
  for (let r = 0; r < rows; r++)
    for (let j = 0; j < pairs; j++) {
      const angle = Math.fround((start + r) * inv[j]);
      cos[r * pairs + j] = Math.cos(angle);
      sin[r * pairs + j] = Math.sin(angle);
    }
  return { cos, sin, rows, pairs };
}
