// The bench registry: both presets list every op once per shape, --filter selects by op, and the pending kernels
// (bench/kernels.ts) are simply absent on a branch without them rather than breaking the import.
import { describe, expect, it } from 'vitest';
import { selectCases } from '../../bench/cases/index.ts';
import { kernels } from '../../bench/kernels.ts';

describe('bench case registry', () => {
  for (const preset of ['default', 'full'] as const) {
    it(`${preset}: every op is present, and op + shape is unique`, () => {
      const cases = selectCases(preset);
      const ggml = ['q4_0', 'q8_0', 'q4_k', 'q5_k', 'q6_k'].flatMap((t) => [`matmul_ggml_${t}`, `matmul_ggml_${t}_as_${t === 'q4_0' || t === 'q4_k' ? 'q4' : 'q8'}`]);
      expect(new Set(cases.map((c) => c.op))).toEqual(new Set(['euler_step', 'matmul_f32', 'matmul_q4', ...ggml, 'attention', 'conv2d_3x3', 'rms_norm', 'layer_norm', 'dit_block', 'qwen3_layer', 'dit_block_q4_0']));
      const names = cases.map((c) => `${c.op} ${c.shape}`);
      expect(new Set(names).size).toBe(names.length);
    });
  }

  it('full preset carries the Z-Image shapes', () => {
    const names = selectCases('full').map((c) => `${c.op} ${c.shape}`);
    expect(names).toContain('matmul_q4 M=1024 K=3840 N=3840');
    expect(names).toContain('attention L=4224 H=30 hd=128');
    expect(names).toContain('dit_block L=256 D=3840 H=30x128 F=10240');
    expect(names).toContain('qwen3_layer L=128 hidden=2560 H=32/8x128 F=9728');
  });

  it('--filter matches substrings of the op', () => {
    expect(selectCases('default', ['matmul']).every((c) => c.op.startsWith('matmul_'))).toBe(true);
    expect(selectCases('default', ['euler_step', 'conv']).map((c) => c.op)).toEqual(['euler_step', 'conv2d_3x3', 'conv2d_3x3']);
    expect(selectCases('default', ['nope'])).toEqual([]);
  });

  it('looks kernels up without failing when their files are absent', () => {
    for (const fn of Object.values(kernels)) expect(fn === undefined || typeof fn === 'function').toBe(true);
  });
});
