// One job at a time: a FIFO of generation jobs with cancellation by id, and progress with elapsed time and ETA.
import { StudioError } from '../lib/errors.ts';
import type { Progress, ProgressPhase } from './protocol.ts';

export class JobQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private cancelled = new Set<string>();

  /** Runs `fn` after every job queued before it; a job cancelled while queued never starts. */
  run<T>(jobId: string, fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(async () => {
      this.check(jobId);
      try {
        return await fn();
      } finally {
        this.cancelled.delete(jobId);
      }
    });
    this.tail = next.catch(() => undefined);
    return next;
  }

  cancel(jobId: string): void {
    this.cancelled.add(jobId);
  }

  check(jobId: string): void {
    if (this.cancelled.has(jobId)) throw new StudioError('cancelled', 'The generation was cancelled.');
  }
}

/** Weights of each phase in the whole job's fraction; denoising is split evenly over its steps. */
const PHASE_SHARE: Record<ProgressPhase, [start: number, span: number]> = {
  loading: [0, 0],
  tokenizing: [0, 0.01],
  encoding: [0.01, 0.04],
  denoising: [0.05, 0.85],
  decoding: [0.9, 0.1],
  done: [1, 0],
};

export class ProgressClock {
  private readonly t0 = performance.now();
  private readonly stepGpuMs: number[] = [];
  private unmeasured = false;
  constructor(private readonly emit: (p: Progress) => void) {}

  phase(phase: ProgressPhase, step?: number, steps?: number): void {
    const [start, span] = PHASE_SHARE[phase];
    const within = phase === 'denoising' && step && steps ? (step - 1) / steps : 0;
    const fraction = Math.min(1, start + span * within);
    const elapsedMs = performance.now() - this.t0;
    const etaMs = fraction > 0.06 ? (elapsedMs / fraction) * (1 - fraction) : null;
    const last = this.stepGpuMs.length > 0 && !this.unmeasured ? this.stepGpuMs[this.stepGpuMs.length - 1] : undefined;
    this.emit({ phase, step, steps, fraction, elapsedMs, etaMs, ...(last !== undefined ? { gpuStepMs: last } : {}) });
  }

  /** A finished step's GPU time (null: not measurable); shown from the next progress report on. */
  gpuStep(ms: number | null): void {
    if (ms === null) this.unmeasured = true;
    else this.stepGpuMs.push(ms);
  }

  /** Mean GPU time per step, or null when any step could not be measured (or none ran). */
  get gpuMsPerStep(): number | null {
    if (this.unmeasured || this.stepGpuMs.length === 0) return null;
    return this.stepGpuMs.reduce((a, b) => a + b, 0) / this.stepGpuMs.length;
  }

  get elapsedMs(): number {
    return performance.now() - this.t0;
  }
}
