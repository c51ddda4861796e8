import { describe, expect, it } from 'vitest';
import { estimateMemory, setFits } from '../../src/library/setFit.ts';

const GiB = 2 ** 30;
const gpu = (maxBufferSize: number, description = 'NVIDIA GeForce RTX 4070') => ({
  limits: { maxBufferSize, maxStorageBufferBindingSize: Math.min(maxBufferSize, 2 * GiB) },
  adapter: { vendor: 'nvidia', architecture: 'lovelace', device: '', description },
});

describe('will it run here: set plans against the adapter', () => {
  it('estimates memory as twice the largest buffer, and says it is an estimate', () => {
    const m = estimateMemory(gpu(4 * GiB));
    expect(m.bytes).toBe(8 * GiB);
    expect(m.basis).toMatch(/estimate/);
    expect(m.cpu).toBe(false);
  });

  it('a CPU adapter is capped at half the reported system memory', () => {
    const m = estimateMemory({ ...gpu(4 * GiB, ''), adapter: { vendor: 'google', architecture: 'swiftshader', device: '', description: '' }, systemMemoryGiB: 8 });
    expect(m).toMatchObject({ bytes: 4 * GiB, cpu: true });
  });

  it('largest sizes per mode: a big GPU runs everything at 2048², a small one only low-memory, a tiny one nothing', () => {
    const big = setFits(gpu(12 * GiB));
    expect(big.every((f) => f.fits && f.largestFast === 2048 && f.largestLowMemory === 2048)).toBe(true);
    const q4 = (fits: ReturnType<typeof setFits>) => fits.find((f) => f.setId === 'zimage-turbo-q4')!;
    const mid = q4(setFits(gpu(2.5 * GiB))); // 5 GiB estimated: low-memory yes, fast no
    expect(mid.largestFast).toBeNull();
    expect(mid.largestLowMemory).toBeGreaterThanOrEqual(1024);
    const tiny = setFits(gpu(1 * GiB));
    expect(tiny.some((f) => f.fits)).toBe(false);
    expect(tiny.every((f) => f.minimumBytes > 2 * GiB)).toBe(true);
  });
});
