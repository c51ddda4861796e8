// Arithmetic on resolved timestamp queries, with no WebGPU in it so Node tests it. A timed batch writes one
// (begin, end) pair of u64 nanosecond stamps per compute pass; its GPU time is the sum of the pairs' spans (the
// copies between passes and the gaps between them are not compute work and are not counted).
//
// What stamps can look like, and what we make of it:
// - Quantized: browsers round stamps (Chrome to 100 µs unless "WebGPU Developer Features" is on), so a pass
//   shorter than a tick can read end == begin. It counts as 0 ns and in `flat`; many such passes under-report,
//   so time enough work in one batch (a bench sample of N executions) that a tick is a small error.
// - Backwards: end < begin (a driver whose clock is not monotonic across a pass). It counts as 0 ns, never as a
//   negative or a wrapped-around u64, and in `backwards`.
// - Unwritten: a query never written resolves to 0 (WebGPU spec), so a (0, 0) pair means the pass was not
//   measured. Then the batch has no GPU time at all (null), rather than a sum that silently misses work.
// Differences are taken in BigInt: absolute stamps may be epoch-based (~1.7e18 ns), far past 2^53.

export interface GpuTime {
  /** Sum over the batch's compute passes of end - begin, in ms. */
  ms: number;
  /** Compute passes measured (a copy inside a batch ends one pass and begins the next). */
  passes: number;
  /** Passes that read end == begin (shorter than one timer tick): counted as 0. */
  flat: number;
  /** Passes whose end stamp came before their begin stamp: counted as 0. */
  backwards: number;
}

export function nsToMs(ns: bigint): number {
  return Number(ns) / 1e6;
}

/** Each pass's span in ms (0 for a flat, backwards or unwritten pass): per-dispatch times of a profiled batch. */
export function passSpansMs(stamps: BigUint64Array, passes: number): number[] {
  if (stamps.length < 2 * passes) throw new RangeError(`${stamps.length} stamps for ${passes} passes`);
  return Array.from({ length: passes }, (_, i) => (stamps[2 * i + 1] > stamps[2 * i] ? nsToMs(stamps[2 * i + 1] - stamps[2 * i]) : 0));
}

/** The GPU time of `passes` passes from their stamps (begin of pass i at 2i, end at 2i + 1), or null if unwritten. */
export function gpuTimeFromStamps(stamps: BigUint64Array, passes: number): GpuTime | null {
  if (stamps.length < 2 * passes) throw new RangeError(`${stamps.length} stamps for ${passes} passes`);
  let total = 0n; // ns
  let flat = 0;
  let backwards = 0;
  for (let i = 0; i < passes; i++) {
    const begin = stamps[2 * i];
    const end = stamps[2 * i + 1];
    if (begin === 0n && end === 0n) return null;
    if (end > begin) total += end - begin;
    else if (end === begin) flat++;
    else backwards++;
  }
  return { ms: nsToMs(total), passes, flat, backwards };
}
