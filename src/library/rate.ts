// Progress bookkeeping for transfers: bytes done, speed over a sliding window, ETA, and a throttled reporter.
import type { RateInfo, TransferPhase, TransferProgress } from './managerTypes.ts';

const WINDOW_MS = 5000;

export class RateMeter {
  bytes: number; // done, including what was stored before this session
  total: number; // bytes
  private samples: { t: number; bytes: number }[] = [];

  constructor(total: number, already: number, private readonly now: () => number = () => performance.now()) {
    this.total = total;
    this.bytes = already;
    this.samples.push({ t: now(), bytes: already });
  }

  add(delta: number): void {
    this.bytes += delta;
    const t = this.now();
    this.samples.push({ t, bytes: this.bytes });
    while (this.samples.length > 2 && t - this.samples[1].t > WINDOW_MS) this.samples.shift();
  }

  info(): RateInfo {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    const dt = (last.t - first.t) / 1000; // s
    const speed = dt >= 0.2 ? Math.max(0, (last.bytes - first.bytes) / dt) : 0; // bytes/s
    const left = Math.max(0, this.total - this.bytes);
    const etaMs = left === 0 ? 0 : speed > 0 ? (left / speed) * 1000 : null;
    return { bytes: this.bytes, total: this.total, speed, etaMs };
  }
}

/** Sends TransferProgress at most every `intervalMs`, except phase changes and the end, which always go out. */
export class ProgressReporter {
  private last = -Infinity;
  phase: TransferPhase = 'probing';
  file: { name: string; meter: RateMeter } | null = null;
  set: RateMeter;

  constructor(
    private readonly setId: string,
    private readonly cb: ((p: TransferProgress) => void) | undefined,
    private readonly intervalMs: number,
  ) {
    this.set = new RateMeter(0, 0);
  }

  bytes(delta: number): void {
    this.set.add(delta);
    this.file?.meter.add(delta);
    this.emit(false);
  }

  setPhase(phase: TransferPhase): void {
    this.phase = phase;
    this.emit(true);
  }

  emit(force: boolean): void {
    if (!this.cb) return;
    const t = performance.now();
    if (!force && t - this.last < this.intervalMs) return;
    this.last = t;
    const file = this.file ? { name: this.file.name, ...this.file.meter.info() } : null;
    try {
      this.cb({ setId: this.setId, phase: this.phase, file, set: this.set.info() });
    } catch {
      // A broken progress listener (e.g. a closed comlink port) must not break the download.
    }
  }
}
