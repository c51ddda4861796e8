// The GPU's own time for a stretch of work that spans many batches (a denoising step is one batch per DiT block):
// while a GpuTimer is open on a Gpu, every batch it makes is timed (timestamp queries, profiler.ts), and stop()
// sums their compute passes. Null, never an estimate, when the device has no timestamp-query or any batch's stamps
// were not written. Passes shorter than the timer's tick read as 0 (timestamps.ts): the total may fall short by up
// to one tick per batch, which the caller can weigh with `batches`.
import type { Batch } from './gpu.ts';

export interface GpuTimeTotal {
  /** Summed GPU time of the timed batches' compute passes, in ms. */
  ms: number;
  /** Batches timed. */
  batches: number;
  /** Passes that read shorter than one timer tick (counted as 0). */
  flat: number;
}

export class GpuTimer {
  private readonly batches: Batch[] = [];
  private open = true;

  /** @param detach called once by stop(), so the Gpu stops timing new batches */
  constructor(private readonly detach: () => void) {}

  get isOpen(): boolean {
    return this.open;
  }

  /** @internal Called by Gpu.batch() for each batch made while the timer is open. */
  add(b: Batch): void {
    if (this.open) this.batches.push(b);
  }

  /** Stops timing new batches and sums those timed so far (submitted ones; an unsubmitted batch is skipped). */
  async stop(): Promise<GpuTimeTotal | null> {
    if (this.open) {
      this.open = false;
      this.detach();
    }
    const times = await Promise.all(this.batches.map((b) => (b.submitted ? b.gpuTime() : Promise.resolve(undefined))));
    let ms = 0;
    let flat = 0;
    let batches = 0;
    for (const t of times) {
      if (t === undefined) continue;
      if (t === null) return null;
      ms += t.ms;
      flat += t.flat;
      batches++;
    }
    return batches > 0 ? { ms, batches, flat } : null;
  }
}
