// The engine's debug switches (src/engine/debug.ts): `shaders` logs each composed shader once with its key when
// its module is compiled; `timing` gives every dispatch its own timed pass and logs each batch's dispatches with
// their pipeline keys and GPU ms. Off, nothing is logged. Results are the same either way.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { composeShader, part } from '../../src/engine/compose.ts';
import { setDebug } from '../../src/engine/debug.ts';
import { add } from '../../src/engine/kernels/elementwise.ts';
import { getGpu } from './harness.ts';

const N = 4096; // elements

function logged(spy: { mock: { calls: unknown[][] } }): string[] {
  return spy.mock.calls.filter((c) => c[0] === '[zimage.debug]').map((c) => String(c[1]));
}

describe('debug switches', () => {
  afterEach(() => {
    setDebug('');
    vi.restoreAllMocks();
  });

  it('timing: each dispatch timed in a pass of its own and logged with its pipeline key; same result', async () => {
    const gpu = await getGpu();
    expect(gpu.features.timestampQuery, 'the test adapter has timestamp-query').toBe(true);
    const spy = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    setDebug('timing');
    const x = gpu.upload(Float32Array.from({ length: N }, (_, i) => i % 7), [N]);
    const y = gpu.upload(new Float32Array(N).fill(1), [N]);
    const scratch = gpu.empty([4], 'f32');
    const b = gpu.batch('debug timing'); // not asked to be timed: the flag times it
    add(b, x, y, { inPlace: true });
    add(b, x, y, { inPlace: true });
    b.copy(y.data, 0, scratch.data, 0, 4);
    add(b, x, y, { inPlace: true });
    b.submit();
    const time = await b.gpuTime();
    expect(time?.passes).toBe(3); // one pass per dispatch: the pass begun after the copy takes the third
    const lines = logged(spy);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^batch 'debug timing': [\d.]+ ms on the GPU, 3 dispatches\n/);
    expect(lines[0].split('\n').slice(1)).toEqual(Array(3).fill(expect.stringMatching(/^ +[\d.]+ ms {2}elementwise\|main_ip\|OP=0,WG=256$/)));
    const got = await gpu.read(x);
    expect(got.every((v, i) => v === (i % 7) + 3)).toBe(true);
    for (const t of [x, y, scratch]) t.release();
  });

  it('shaders: a composed shader is logged once with its key and source when compiled; off, nothing', async () => {
    const gpu = await getGpu();
    const spy = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const toy = (tag: string) => composeShader('debug_toy', { tag }, [part('debug_toy', '@compute @workgroup_size(1) fn main() {}')]);
    gpu.pipelines.get({ shader: toy('off') });
    expect(logged(spy)).toEqual([]);
    setDebug('shaders');
    const s = toy('on');
    gpu.pipelines.get({ shader: s, constants: {} });
    gpu.pipelines.get({ shader: s, entryPoint: 'main' });
    const lines = logged(spy);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(`shader debug_toy[tag=on] (parts: debug_toy)\n${s.code}`);
    await gpu.sync();
  });
});
