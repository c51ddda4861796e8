import { useStudio } from '../store/index.ts';
import { estimateMemory, formatBytes, setFits } from '../store/ui.ts';

const LABELS: Record<string, string> = {
  'zimage-turbo-q4': 'Z-Image-Turbo (INT4, GGUF)',
  'zimage-turbo-diffusers': 'Z-Image-Turbo (official diffusers)',
  'zimage-base': 'Z-Image base',
};

/** The browser's reported system memory in GiB (Chromium only, rounded, at most 8). */
function systemMemoryGiB(): number | undefined {
  const m = (navigator as Navigator & { deviceMemory?: number }).deviceMemory;
  return typeof m === 'number' && m > 0 ? m : undefined;
}

/** "Will it run here?": each model set's planned peak memory against this GPU's limits, before any download. */
export function DeviceFit() {
  const info = useStudio((s) => s.device.info);
  const sets = useStudio((s) => s.models.sets);
  if (!info) return null;
  const facts = { limits: info.limits, adapter: info.adapter, systemMemoryGiB: systemMemoryGiB() };
  const memory = estimateMemory(facts);
  const fits = setFits(facts, memory);
  const label = (id: string) => sets.find((s) => s.id === id)?.label ?? LABELS[id] ?? id;
  const size = (px: number | null) => (px === null ? 'does not fit' : `up to ${px}×${px}`);
  return (
    <section className="panel" aria-labelledby="device-fit">
      <div className="panel-title">
        <h2 id="device-fit">Will it run here?</h2>
      </div>
      <p className="small" data-testid="device-memory-estimate">
        Usable GPU memory: about {formatBytes(memory.bytes)} ({memory.basis}).
        {memory.cpu && ' This adapter emulates a GPU on the processor: everything runs, but very slowly.'}
      </p>
      <ul className="fit-list" aria-label="What this device can run">
        {fits.map((f) => (
          <li key={f.setId} data-testid={`fit-${f.setId}`}>
            <strong>{label(f.setId)}</strong> <span className={`badge ${f.fits ? 'ok' : 'bad'}`}>{f.fits ? 'Fits' : 'Too large'}</span>
            <br />
            <span className="small">
              Fast mode {size(f.largestFast)}; low-memory mode {size(f.largestLowMemory)}. Weights {formatBytes(f.weightBytes)} on the GPU; needs at least{' '}
              {formatBytes(f.minimumBytes)} (512×512, low-memory).
              {f.derived && ` Planned from ${f.derived}.`}
            </span>
          </li>
        ))}
      </ul>
      <p className="muted small">
        Peaks come from the memory planner (npm run plan) run on each set's published file headers; the memory figure is an estimate, so a set near the line may still
        fail to load, and one marked too large may fit. The self-test model always fits.
      </p>
    </section>
  );
}
