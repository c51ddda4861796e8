// "Will it run here?": each catalog set's plan (setPlans.json, computed from header manifests by tools/setPlans.ts)
// against what this device's adapter says, before anything is downloaded. WebGPU reports no memory size, so the GPU's
// memory is an ESTIMATE from its limits (a conservative rule, said so wherever it is shown); the limits themselves are
// facts.
import { formatNumber, t } from '../lib/i18n.ts';
import plans from './setPlans.json';

export interface AdapterFacts {
  limits: Record<string, number>;
  adapter: { vendor: string; architecture: string; device: string; description: string };
  /** navigator.deviceMemory (GiB, rounded down by the browser, at most 8), where the browser gives it. */
  systemMemoryGiB?: number;
}

export interface MemoryEstimate {
  bytes: number;
  /** One sentence on how the number was reached. */
  basis: string;
  /** A CPU-emulated adapter (SwiftShader): it runs, slowly, out of system memory. */
  cpu: boolean;
}

export interface SetFit {
  setId: string;
  weightBytes: number;
  /** Largest planned square size (px) within the estimate in each mode, or null when not even 512² fits. */
  largestFast: number | null;
  largestLowMemory: number | null;
  /** Whether some mode fits at 512² (the set is worth downloading here). */
  fits: boolean;
  /** Peak bytes at 512² in low-memory mode: what the set needs at the least. */
  minimumBytes: number;
  derived?: string;
}

const GiB = 2 ** 30;

/**
 * The memory this device can be expected to give: twice its largest allowed buffer (implementations cap one buffer
 * at a fraction of the memory: Metal at about half the working set, Dawn's Vulkan and D3D12 backends at or below the
 * largest heap), and for a CPU-emulated adapter at most half of the system memory the browser reports.
 */
export function estimateMemory(f: AdapterFacts): MemoryEstimate {
  const maxBuffer = f.limits.maxBufferSize ?? 0;
  const text = `${f.adapter.vendor} ${f.adapter.architecture} ${f.adapter.description}`.toLowerCase();
  const cpu = /swiftshader|llvmpipe|lavapipe|software|warp/.test(text);
  let bytes = 2 * maxBuffer;
  let basis = t('fit.basisBuffer', { gib: formatNumber(maxBuffer / GiB, { minimumFractionDigits: 2, maximumFractionDigits: 2 }) });
  if (cpu && f.systemMemoryGiB) {
    const half = (f.systemMemoryGiB * GiB) / 2;
    if (half < bytes) {
      bytes = half;
      basis = t('fit.basisCpu', { gib: f.systemMemoryGiB });
    }
  }
  return { bytes, basis, cpu };
}

export function setFits(f: AdapterFacts, memory = estimateMemory(f)): SetFit[] {
  return Object.entries(plans.sets).map(([setId, p]) => {
    const largest = (mode: 'fast' | 'lowMemory') => p.sizes.filter((s) => s[mode] <= memory.bytes).reduce<number | null>((m, s) => Math.max(m ?? 0, s.size), null);
    const largestFast = largest('fast');
    const largestLowMemory = largest('lowMemory');
    const derived = 'derived' in p ? (p as { derived: string }).derived : undefined;
    return { setId, weightBytes: p.weightBytes, largestFast, largestLowMemory, fits: largestLowMemory !== null, minimumBytes: p.sizes[0].lowMemory, ...(derived ? { derived } : {}) };
  });
}
