// The bench's hand-written ONNX writer and its single-operator models: the wire encoding byte for byte, then
// every model run through onnxruntime-web's CPU (wasm) EP in Node and compared with the bench's CPU references.
// If a field number, attribute type or input convention were wrong, ORT would reject the model or disagree here.
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { conv2dOrt, convOutSize, eulerStepOrt, layerNormOrt, matMulNBitsOrt, matmulOrt, mhaOrt, type OrtSpec, rmsNormOrt } from '../../bench/models.ts';
import { attr, encodeModel, PbWriter } from '../../bench/onnx.ts';
import { dequantQ4, randomQ4, toEngineQ4 } from '../../bench/q4.ts';
import { attentionRef, conv2dRef, layerNormRef, matmulRef, rmsNormRef } from '../../bench/ref.ts';
import { compareArrays, describeCompare } from '../../src/lib/compare.ts';
import { f16BitsToF32 } from '../../src/lib/f16.ts';
import { Rng } from '../../src/lib/rng.ts';
import { eulerStepRef } from '../../src/engine/ref/eulerStep.ts';

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');

describe('protobuf wire writer', () => {
  it('encodes varints, negative int64, fixed32 floats, strings and nested messages', () => {
    expect(hex(new PbWriter().varint(0).varint(1).varint(127).varint(128).varint(300).finish())).toBe('00 01 7f 80 01 ac 02');
    expect(hex(new PbWriter().varint(2 ** 35).finish())).toBe('80 80 80 80 80 01');
    expect(hex(new PbWriter().int(3, -1).finish())).toBe('18 ff ff ff ff ff ff ff ff ff 01');
    expect(hex(new PbWriter().float(2, 1.5).finish())).toBe('15 00 00 c0 3f');
    expect(hex(new PbWriter().string(1, 'ab').finish())).toBe('0a 02 61 62');
    expect(hex(new PbWriter().message(7, (w) => w.int(1, 150)).finish())).toBe('3a 03 08 96 01');
  });

  it('writes a ModelProto whose leading fields are ir_version then producer_name', () => {
    const bytes = encodeModel({
      graph: { name: 'g', nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'], attrs: { a: attr.ints([1, 2]) } }], inputs: [], outputs: [] },
    });
    expect(hex(bytes.subarray(0, 4))).toBe('08 08 12 14'); // ir_version 8; producer_name, 20 bytes
    expect(new TextDecoder().decode(bytes.subarray(4, 24))).toBe('z-image-studio-bench');
  });

  it('rejects an initializer whose data does not match its dims', () => {
    expect(() =>
      encodeModel({ graph: { name: 'g', nodes: [], inputs: [], outputs: [], initializers: [{ name: 'w', type: 'float32', dims: [2, 2], data: new Float32Array(3) }] } }),
    ).toThrow(/3 values/);
  });
});

describe('q4 weights: ORT MatMulNBits form and engine form hold the same values (seed 5)', () => {
  it('engine (scale, min) params dequantize to the same matrix, exactly in f16', () => {
    const q = randomQ4(new Rng(5), 3, 96);
    const dense = dequantQ4(q); // (N, K)
    const e = toEngineQ4(q);
    const bytes = new Uint8Array(e.codes.buffer);
    for (let n = 0; n < 3; n++)
      for (let k = 0; k < 96; k++) {
        const word = e.params[n * 3 + (k >> 5)];
        const scale = f16BitsToF32(word & 0xffff);
        const min = f16BitsToF32(word >>> 16);
        const byte = bytes[(n * 96 + k) >> 1];
        const code = k & 1 ? byte >> 4 : byte & 15;
        expect(code * scale + min).toBe(dense[n * 96 + k]);
      }
  });
});

async function runCpu(spec: OrtSpec): Promise<{ dims: readonly number[]; data: Float32Array }> {
  const session = await ort.InferenceSession.create(spec.model, { executionProviders: ['wasm'] });
  const feeds: Record<string, ort.Tensor> = {};
  for (const f of spec.feeds) feeds[f.name] = new ort.Tensor(f.type, f.data, f.dims);
  const out = (await session.run(feeds))[spec.output.name];
  await session.release();
  return { dims: out.dims, data: out.data as Float32Array };
}

async function expectModel(spec: OrtSpec, want: Float32Array, atol = 1e-4, rtol = 1e-4): Promise<void> {
  const got = await runCpu(spec);
  expect(got.dims).toEqual(spec.output.dims);
  const r = compareArrays(got.data, want, atol, rtol);
  expect(r.ok, describeCompare(spec.what, r)).toBe(true);
}

describe('single-operator ONNX models on ORT CPU match the CPU references', () => {
  beforeAll(() => {
    ort.env.wasm.numThreads = 1;
    ort.env.logLevel = 'error';
  });

  it('Mul+Add euler step, n=37, seed=1', async () => {
    const rng = new Rng(1);
    const z = rng.normalArray(37);
    const v = rng.normalArray(37);
    await expectModel(eulerStepOrt(z, v, -0.0625), eulerStepRef(z, v, -0.0625), 1e-6, 1e-6);
  });

  it('MatMul (M=5, K=33, N=7), seed=2', async () => {
    const rng = new Rng(2);
    const x = rng.normalArray(5 * 33);
    const w = rng.normalArray(7 * 33);
    await expectModel(matmulOrt(x, w, 5, 33, 7), matmulRef(x, w, 5, 33, 7));
  });

  it('MatMulNBits 4-bit block 32 (M=3, K=96, N=5: odd block count per row), seed=3', async () => {
    const rng = new Rng(3);
    const q = randomQ4(rng, 5, 96);
    const x = rng.normalArray(3 * 96);
    await expectModel(matMulNBitsOrt(x, q, 3), matmulRef(x, dequantQ4(q), 3, 96, 5));
  });

  it('MultiHeadAttention (L=5, Lk=7, heads=2, hd=8), seed=4', async () => {
    const rng = new Rng(4);
    const s = { L: 5, Lk: 7, heads: 2, kvHeads: 2, headDim: 8, causal: false };
    const q = rng.normalArray(5 * 16);
    const k = rng.normalArray(7 * 16);
    const v = rng.normalArray(7 * 16);
    await expectModel(mhaOrt(q, k, v, 5, 7, 2, 8), attentionRef(q, k, v, s));
  });

  for (const [stride, pads] of [
    [1, [1, 1, 1, 1]],
    [2, [0, 0, 1, 1]],
  ] as const) {
    it(`Conv 3x3 stride ${stride} pads [${pads}] (C=3, 7x6, Cout=4), seed=${10 + stride}`, async () => {
      const rng = new Rng(10 + stride);
      const s = { C: 3, H: 7, W: 6, Cout: 4, kernel: 3, stride, pads: [...pads] as [number, number, number, number] };
      const x = rng.normalArray(3 * 7 * 6);
      const w = rng.normalArray(4 * 3 * 9);
      const bias = rng.normalArray(4);
      const { Ho, Wo } = convOutSize(s);
      expect([Ho, Wo]).toEqual(stride === 1 ? [7, 6] : [3, 3]);
      await expectModel(conv2dOrt(x, w, bias, s), conv2dRef(x, w, bias, s));
    });
  }

  it('LayerNormalization and SimplifiedLayerNormalization (rows=3, D=33), seed=6', async () => {
    const rng = new Rng(6);
    const x = rng.normalArray(3 * 33);
    const g = rng.normalArray(33);
    await expectModel(layerNormOrt(x, 3, 33, 1e-6), layerNormRef(x, 3, 33, 1e-6));
    await expectModel(rmsNormOrt(x, g, 3, 33, 1e-6), rmsNormRef(x, g, 3, 33, 1e-6));
  });
});
