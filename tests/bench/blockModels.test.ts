// The whole-block bench models (bench/blockModels.ts) on onnxruntime-web's CPU (wasm) EP in Node against the CPU
// references composed from the engine's op references (bench/blockRef.ts), at small widths with the real head dim
// of 128; and the weight forms (bench/blockWeights.ts): engine q4/q8 and ggml Q4_0 stand for the same values as
// their MatMulNBits transcoding.
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { type DitBlockShape, ditBlockOrt, type Qwen3LayerShape, qwen3LayerOrt } from '../../bench/blockModels.ts';
import { randomDitBlock, randomQwen3Layer, ditPositions } from '../../bench/blockParams.ts';
import { ditBlockRef, qwen3LayerRef } from '../../bench/blockRef.ts';
import { dequantNBits, ENGINE_Q4, ENGINE_Q8, ggmlQ4_0, ggmlQ4_0Bytes, randomLattice } from '../../bench/blockWeights.ts';
import type { OrtSpec } from '../../bench/models.ts';
import { compareArrays, describeCompare } from '../../src/lib/compare.ts';
import { Rng } from '../../src/lib/rng.ts';
import { dequantizeBlocks } from '../../src/weights/ggmlDequant.ts';
import { asNBits } from '../../bench/cases/matmulGgml.ts';
import { randomBlocks } from '../../bench/ggmlBlocks.ts';

async function runCpu(spec: OrtSpec): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(spec.model, { executionProviders: ['wasm'] });
  const feeds: Record<string, ort.Tensor> = {};
  for (const f of spec.feeds) feeds[f.name] = new ort.Tensor(f.type, f.data, f.dims);
  const out = (await session.run(feeds))[spec.output.name];
  await session.release();
  expect(out.dims).toEqual(spec.output.dims);
  return out.data as Float32Array;
}

describe('block weights: both forms hold the same values', () => {
  for (const [name, fmt] of [['q4', ENGINE_Q4], ['q8', ENGINE_Q8]] as const)
    it(`engine ${name} via quantizeRtn transcodes exactly to MatMulNBits (N=3, K=96), seed 7`, () => {
      const w = fmt.random(new Rng(7), 3, 96, 'w');
      expect(Array.from(w.dense())).toEqual(Array.from(dequantNBits(w.nbits)));
    });

  it('ggml Q4_0 bytes decode (ggml dequantization, weights/ggmlDequant.ts) to the MatMulNBits values, seed 8', () => {
    const w = randomLattice(new Rng(8), 3, 96, { bits: 4, zp: [8, 8] });
    expect(Array.from(dequantizeBlocks('Q4_0', ggmlQ4_0Bytes(w)))).toEqual(Array.from(dequantNBits(w)));
    const fmt = ggmlQ4_0(() => {
      throw new Error('no GPU here');
    }, 'test');
    expect(fmt.name).toBe('q4_0');
  });
});

describe('whole-block ONNX graphs on ORT CPU match the CPU references', () => {
  beforeAll(() => {
    ort.env.wasm.numThreads = 1;
    ort.env.logLevel = 'error';
  });

  it('ZImageTransformerBlock (L=12, D=256, 2 heads of 128, F=512), seed 11', async () => {
    const rng = new Rng(11);
    const s: DitBlockShape = { L: 12, D: 256, heads: 2, headDim: 128, F: 512, adaDim: 256, eps: 1e-5 };
    const { params } = randomDitBlock(rng, s, ENGINE_Q4, ENGINE_Q8, ditPositions(s.L, 4, 3));
    const x = rng.normalArray(s.L * s.D);
    const temb = rng.normalArray(s.adaDim);
    const r = compareArrays(await runCpu(ditBlockOrt(s, params, x, temb)), ditBlockRef(s, params, x, temb), 1e-4, 1e-4);
    expect(r.ok, describeCompare('dit block', r)).toBe(true);
  });

  it('Qwen3 decoder layer (L=9, hidden 256, 4 heads on 2 kv heads of 128, F=512, causal), seed 12', async () => {
    const rng = new Rng(12);
    const s: Qwen3LayerShape = { L: 9, hidden: 256, heads: 4, kvHeads: 2, headDim: 128, F: 512, eps: 1e-6 };
    const { params } = randomQwen3Layer(rng, s, ENGINE_Q4, 1e6);
    const h = rng.normalArray(s.L * s.hidden);
    const r = compareArrays(await runCpu(qwen3LayerOrt(s, params, h)), qwen3LayerRef(s, params, h), 1e-4, 1e-4);
    expect(r.ok, describeCompare('qwen3 layer', r)).toBe(true);
  });
});

describe('GGUF blocks as MatMulNBits (the per-format matmul rows)', () => {
  for (const [type, K] of [['q4_0', 96], ['q8_0', 64]] as const)
    it(`${type} transcodes to the same values as ggml's dequantization (N=3, K=${K}), seed 9`, () => {
      const bytes = randomBlocks(new Rng(9), type, 3, K);
      const nb = asNBits(type, bytes, 3, K)!;
      expect(Array.from(dequantNBits(nb))).toEqual(Array.from(dequantizeBlocks(type.toUpperCase(), bytes)));
    });
  it('K-quants have no MatMulNBits equivalent', () => expect(asNBits('q4_k', new Uint8Array(144), 1, 256)).toBeNull());
});
