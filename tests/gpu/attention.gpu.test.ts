import { describe, expect, it } from 'vitest';
import { attention, type AttentionKernel, attentionRowTiles, attentionTiles, ROWS_MAX_HEAD_DIM } from '../../src/engine/kernels/attention.ts';
import { attentionNaive } from '../../src/engine/kernels/attentionNaive.ts';
import { attentionRef } from '../../src/engine/ref/attention.ts';
import { Rng } from '../../src/lib/rng.ts';
import { expectClose, getGpu } from './harness.ts';

interface Case {
  lq: number;
  lk: number;
  heads: number;
  kvHeads: number;
  hd: number;
  causal?: boolean;
  scale?: number;
  /** Multiplies q and k: large values make peaked softmaxes whose raw exponentials would overflow. */
  amp?: number;
  seed: number;
}

const name = (c: Case) =>
  `Lq=${c.lq} Lk=${c.lk} heads=${c.heads}/${c.kvHeads} hd=${c.hd}${c.causal ? ' causal' : ''}` +
  `${c.scale !== undefined ? ` scale=${c.scale}` : ''}${c.amp ? ` amp=${c.amp}` : ''}, seed=${c.seed}`;

type Kernel = typeof attention;

async function check(kernel: Kernel, c: Case): Promise<void> {
  const gpu = await getGpu();
  const rng = new Rng(c.seed);
  const amp = c.amp ?? 1;
  const q = rng.normalArray(c.lq * c.heads * c.hd).map((x) => x * amp); // (Lq, Hq·hd)
  const k = rng.normalArray(c.lk * c.kvHeads * c.hd).map((x) => x * amp); // (Lk, Hkv·hd)
  const v = rng.normalArray(c.lk * c.kvHeads * c.hd); // (Lk, Hkv·hd)
  const opts = { heads: c.heads, kvHeads: c.kvHeads, headDim: c.hd, causal: c.causal, scale: c.scale };
  const tq = gpu.upload(q, [c.lq, c.heads * c.hd]);
  const tk = gpu.upload(k, [c.lk, c.kvHeads * c.hd]);
  const tv = gpu.upload(v, [c.lk, c.kvHeads * c.hd]);
  let out: ReturnType<Kernel> | undefined;
  gpu.run((b) => {
    out = kernel(b, tq, tk, tv, opts);
  });
  const got = await gpu.read(out!);
  expect(out!.shape).toEqual([c.lq, c.heads * c.hd]);
  expectClose(got, attentionRef(q, k, v, opts), 1e-4, 1e-4, name(c));
  for (const t of [tq, tk, tv, out!]) t.release();
}

const FLASH_CASES: Case[] = [
  { lq: 1, lk: 1, heads: 1, kvHeads: 1, hd: 32, seed: 1 },
  { lq: 1, lk: 1, heads: 4, kvHeads: 2, hd: 64, causal: true, seed: 2 },
  { lq: 2, lk: 2, heads: 3, kvHeads: 3, hd: 64, causal: true, seed: 3 },
  { lq: 2, lk: 33, heads: 8, kvHeads: 2, hd: 32, seed: 4 },
  { lq: 33, lk: 33, heads: 4, kvHeads: 2, hd: 96, causal: true, seed: 5 },
  { lq: 33, lk: 257, heads: 4, kvHeads: 2, hd: 64, seed: 6 },
  { lq: 100, lk: 100, heads: 8, kvHeads: 2, hd: 128, causal: true, seed: 7 },
  { lq: 100, lk: 33, heads: 1, kvHeads: 1, hd: 96, scale: 0.3, seed: 8 },
  { lq: 257, lk: 100, heads: 3, kvHeads: 3, hd: 128, seed: 9 },
  { lq: 257, lk: 257, heads: 1, kvHeads: 1, hd: 32, causal: true, seed: 10 },
  { lq: 257, lk: 2, heads: 8, kvHeads: 2, hd: 32, seed: 11 },
  { lq: 100, lk: 257, heads: 3, kvHeads: 3, hd: 32, scale: 1, amp: 4, seed: 12 },
  { lq: 33, lk: 33, heads: 4, kvHeads: 2, hd: 128, causal: true, scale: 1, amp: 3, seed: 13 },
  // The VAE mid-block's shape class: one head of 512.
  { lq: 300, lk: 300, heads: 1, kvHeads: 1, hd: 512, seed: 14 },
  { lq: 37, lk: 37, heads: 2, kvHeads: 1, hd: 512, causal: true, seed: 15 },
  { lq: 1, lk: 301, heads: 1, kvHeads: 1, hd: 512, seed: 16 },
  // Causal with Lq < Lk: the queries are the last Lq positions (decode steps and chunks against a KV cache).
  { lq: 1, lk: 2, heads: 4, kvHeads: 2, hd: 32, causal: true, seed: 17 },
  { lq: 1, lk: 33, heads: 8, kvHeads: 2, hd: 128, causal: true, seed: 18 },
  { lq: 1, lk: 1025, heads: 4, kvHeads: 1, hd: 64, causal: true, seed: 19 },
  { lq: 3, lk: 100, heads: 6, kvHeads: 2, hd: 96, causal: true, seed: 20 },
  { lq: 33, lk: 70, heads: 4, kvHeads: 2, hd: 32, causal: true, amp: 3, seed: 28 },
  { lq: 2, lk: 37, heads: 2, kvHeads: 1, hd: 512, causal: true, seed: 29 },
];

/** Forces one of the two flash kernels. */
const forced = (kernel: AttentionKernel): Kernel => (b, q, k, v, opts) => attention(b, q, k, v, { ...opts, kernel });

describe('attention (flash, tiled online softmax)', () => {
  for (const kernel of ['rows', 'split'] as const)
    for (const c of FLASH_CASES.filter((c) => kernel === 'split' || c.hd <= ROWS_MAX_HEAD_DIM))
      it(`${kernel} kernel matches the CPU reference, ${name(c)}`, () => check(forced(kernel), c));

  it('matches the CPU reference on a long sequence, Lq=Lk=4099 heads=1/1 hd=32, seed=21', () =>
    check(attention, { lq: 4099, lk: 4099, heads: 1, kvHeads: 1, hd: 32, seed: 21 }));
  it('split kernel matches the CPU reference with 16385 keys, Lq=17 heads=2/1 hd=32, seed=25', () =>
    check(forced('split'), { lq: 17, lk: 16385, heads: 2, kvHeads: 1, hd: 32, seed: 25 }));

  // Index arithmetic at the 1024² scale (16384 VAE tokens) without the 16384² work: long key loops, many tiles.
  it('matches the CPU reference with 16385 keys, Lq=17 heads=2/1 hd=32, seed=22', () =>
    check(attention, { lq: 17, lk: 16385, heads: 2, kvHeads: 1, hd: 32, seed: 22 }));
  it('matches the CPU reference with 16385 queries, Lk=3 heads=1/1 hd=512, seed=23', () =>
    check(attention, { lq: 16385, lk: 3, heads: 1, kvHeads: 1, hd: 512, seed: 23 }));
  // Two rows per invocation (hd <= 64) with the last workgroup's second rows partly past Lq, causal and grouped.
  it('rows kernel matches the CPU reference with two rows per invocation, Lq=Lk=193 heads=6/2 hd=64 causal, seed=26', () =>
    check(forced('rows'), { lq: 193, lk: 193, heads: 6, kvHeads: 2, hd: 64, causal: true, seed: 26 }));
  it('rows kernel matches the CPU reference with 21 rows of 3 heads per workgroup, Lq=85 Lk=70 heads=3/1 hd=32, seed=27', () =>
    check(forced('rows'), { lq: 85, lk: 70, heads: 3, kvHeads: 1, hd: 32, seed: 27 }));
  // The Qwen3 text encoder's shape class (grouped causal, hd 128) at its longest prompt, with fewer heads.
  it('matches the CPU reference at the text encoder length, L=512 heads=4/1 hd=128 causal, seed=24', () =>
    check(attention, { lq: 512, lk: 512, heads: 4, kvHeads: 1, hd: 128, causal: true, seed: 24 }));

  it('writes into opts.out', async () => {
    const gpu = await getGpu();
    const rng = new Rng(31);
    const [l, h, hd] = [5, 2, 32];
    const q = rng.normalArray(l * h * hd);
    const tq = gpu.upload(q, [l, h * hd]);
    const tk = gpu.upload(q, [l, h * hd]);
    const tv = gpu.upload(q, [l, h * hd]);
    const out = gpu.empty([l, h * hd]);
    let got: unknown;
    gpu.run((b) => {
      got = attention(b, tq, tk, tv, { heads: h, kvHeads: h, headDim: hd, out });
    });
    expect(got).toBe(out);
    expectClose(await gpu.read(out), attentionRef(q, q, q, { heads: h, kvHeads: h, headDim: hd }), 1e-4, 1e-4, 'out option');
    for (const t of [tq, tk, tv, out]) t.release();
  });

  it('rejects bad shapes and options with RangeErrors', async () => {
    const gpu = await getGpu();
    const t = (l: number, w: number) => gpu.upload(new Float32Array(l * w), [l, w]);
    const q = t(4, 64); // (4, 2·32)
    const kv = t(6, 32); // (6, 1·32)
    const kv4 = t(4, 32);
    const kv3 = t(3, 32);
    const b = gpu.batch();
    const bad: [string, () => unknown][] = [
      ['heads not a multiple of kvHeads', () => attention(b, q, kv, kv, { heads: 2, kvHeads: 3, headDim: 32 })],
      ['q width', () => attention(b, q, kv, kv, { heads: 3, kvHeads: 1, headDim: 32 })],
      ['k width', () => attention(b, q, kv, kv, { heads: 2, kvHeads: 2, headDim: 32 })],
      ['v rows', () => attention(b, q, kv, kv4, { heads: 2, kvHeads: 1, headDim: 32 })],
      ['causal Lq > Lk', () => attention(b, q, kv3, kv3, { heads: 2, kvHeads: 1, headDim: 32, causal: true })],
      ['headDim % 4', () => attention(b, q, kv, kv, { heads: 1, kvHeads: 1, headDim: 30 })],
      ['out size', () => attention(b, q, kv, kv, { heads: 2, kvHeads: 1, headDim: 32, out: kv })],
      ['out aliases q', () => attention(b, q, kv, kv, { heads: 2, kvHeads: 1, headDim: 32, out: q })],
      ['naive: heads', () => attentionNaive(b, q, kv, kv, { heads: 0, kvHeads: 1, headDim: 32 })],
    ];
    for (const [what, f] of bad) expect(f, what).toThrow(RangeError);
    b.submit();
    for (const x of [q, kv, kv4, kv3]) x.release();
  });

  it('picks split tiles within the 16 KiB default budget for every supported head dim', () => {
    for (const hd of [4, 32, 64, 80, 96, 128, 256, 512, 1024]) {
      const tl = attentionTiles(hd);
      expect(tl.bytes, `hd=${hd}`).toBeLessThanOrEqual(16384);
      expect(tl.td * tl.c * 4, `hd=${hd}`).toBe(hd);
      expect(tl.bk, `hd=${hd}`).toBeGreaterThanOrEqual(1);
      expect(tl.c, `hd=${hd}`).toBeLessThanOrEqual(16);
      expect(tl.wg, `hd=${hd}`).toBeLessThanOrEqual(256);
    }
  });

  it('picks rows tiles within the budget, sharing K/V tiles across a grouped-query group', () => {
    for (const hd of [4, 32, 64, 96, 128])
      for (const group of [1, 2, 3, 4, 6, 8, 16]) {
        const tl = attentionRowTiles(hd, group);
        const what = `hd=${hd} group=${group}`;
        expect(tl.bytes, what).toBeLessThanOrEqual(16384);
        expect(tl.bk % 4, what).toBe(0);
        expect(tl.bk, what).toBeGreaterThanOrEqual(4);
        expect(tl.bk, what).toBeLessThanOrEqual(32);
        expect(group % tl.gh, what).toBe(0);
        expect(Number.isInteger(tl.bq), what).toBe(true);
        expect(tl.wg, what).toBe(tl.bq * tl.gh);
        expect(2 * tl.rpi * (hd / 4), what).toBeLessThanOrEqual(64); // q and accumulator registers, vec4s
        expect(tl.rpi, what).toBe(hd <= 64 ? 2 : 1);
        expect(tl.wg, what).toBeLessThanOrEqual(256);
      }
    expect(attentionRowTiles(128, 4).gh).toBe(4); // Qwen3: 32 query heads over 8 kv heads
    expect(attentionRowTiles(128, 1, 4224).wg).toBe(64); // the DiT at 1024²: 66 full tiles of 64 rows
    expect(attentionRowTiles(128, 1, 160).wg).toBe(32); // 64-row tiles would pad 160 rows to 192
    expect(attentionRowTiles(64, 1, 256).wg).toBe(64); // 2 rows per invocation: 128-row tiles fit 256 exactly
    expect(() => attentionRowTiles(132, 1)).toThrow(RangeError);
  });

});

const NAIVE_CASES: Case[] = [
  { lq: 1, lk: 1, heads: 1, kvHeads: 1, hd: 32, seed: 41 },
  { lq: 33, lk: 100, heads: 4, kvHeads: 2, hd: 64, seed: 42 },
  { lq: 65, lk: 65, heads: 8, kvHeads: 2, hd: 32, causal: true, seed: 43 },
  { lq: 20, lk: 20, heads: 1, kvHeads: 1, hd: 512, seed: 44 },
  { lq: 3, lk: 70, heads: 4, kvHeads: 2, hd: 32, causal: true, seed: 45 },
];

describe('attention_naive (benchmark baseline)', () => {
  for (const c of NAIVE_CASES) it(`matches the CPU reference, ${name(c)}`, () => check(attentionNaive, c));
});
