// Shared set-up for GPU tests: a real WebGPU device or a failing test (never a skip), the adapter printed once
// per run, and the comparison helper of design.md §3.
import { afterEach, expect } from 'vitest';
import { compareArrays, describeCompare } from '../../src/lib/compare.ts';
import { describeAdapter, type DeviceOptions } from '../../src/engine/device.ts';
import { Gpu } from '../../src/engine/gpu.ts';

const cache = new Map<string, Promise<Gpu>>();

// A shader that fails to compile or a bad binding does not throw: WebGPU reports it as an uncaptured error and
// the dispatch does nothing. Every GPU test fails if one was reported during it.
afterEach(async () => {
  for (const p of cache.values()) {
    const gpu = await p;
    await gpu.device.queue.onSubmittedWorkDone();
    const errors = gpu.uncapturedErrors.splice(0);
    expect(errors, 'uncaptured WebGPU errors').toEqual([]);
  }
});

export function getGpu(options: DeviceOptions = {}): Promise<Gpu> {
  const key = JSON.stringify(options);
  let p = cache.get(key);
  if (!p) {
    p = (async () => {
      if (!('gpu' in navigator) || !navigator.gpu) throw new Error('GPU test failed: navigator.gpu is missing (no WebGPU in this browser).');
      const gpu = await Gpu.create(options);
      announce(describeAdapter(gpu.adapter), gpu);
      return gpu;
    })();
    cache.set(key, p);
  }
  return p;
}

function announce(name: string, gpu: Gpu): void {
  // The test iframes share the orchestrator window; print the adapter once per run, not once per file.
  let host: Record<string, unknown> = globalThis as unknown as Record<string, unknown>;
  try {
    if (window.top) host = window.top as unknown as Record<string, unknown>;
  } catch {
    /* cross-origin top: print per file */
  }
  if (host.__zimageAdapterPrinted) return;
  host.__zimageAdapterPrinted = true;
  const f = gpu.features;
  console.log(`[gpu] adapter: ${name}; subgroups=${f.subgroups} timestamp-query=${f.timestampQuery} shader-f16=${f.shaderF16}`);
}

/** Asserts |got - want| <= atol + rtol * |want| everywhere, with the max error and first mismatches in the message. */
export function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, atol: number, rtol = 0, label = 'values'): void {
  const r = compareArrays(got, want, atol, rtol);
  expect(r.ok, describeCompare(label, r)).toBe(true);
}

/** Sizes that are awkward for workgroup and vector widths. */
export const AWKWARD_SIZES = [1, 3, 33, 1025, 4099];

/**
 * The two devices a kernel with a `subgroups` variant is tested on: the default one, which must grant the feature
 * (SwiftShader does) so the subgroup path really runs, and one made without it, for the plain path.
 */
export const SUBGROUP_PATHS = [
  {
    path: 'subgroups',
    async gpu(): Promise<Gpu> {
      const gpu = await getGpu();
      expect(gpu.features.subgroups, 'the default device must grant `subgroups`, or the subgroup path goes untested').toBe(true);
      return gpu;
    },
  },
  {
    path: 'plain',
    async gpu(): Promise<Gpu> {
      const gpu = await getGpu({ disable: ['subgroups'] });
      expect(gpu.features.subgroups).toBe(false);
      return gpu;
    },
  },
] as const;
