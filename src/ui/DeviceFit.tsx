import { useStudio } from '../store/index.ts';
import { estimateMemory, formatBytes, joinSentences, setFits, t } from '../store/ui.ts';

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
  const lowMemory = useStudio((s) => s.device.lowMemory);
  if (!info) return null;
  const facts = { limits: info.limits, adapter: info.adapter, systemMemoryGiB: systemMemoryGiB() };
  const memory = estimateMemory(facts);
  const fits = setFits(facts, memory);
  const label = (id: string) => sets.find((s) => s.id === id)?.label ?? LABELS[id] ?? id;
  const size = (px: number | null) => (px === null ? t('fit.none') : t('fit.upTo', { px }));
  // Sizes only low-memory mode reaches: point at its switch (Memory, on this tab).
  const lowOnly = fits.some((f) => f.largestLowMemory !== null && (f.largestFast ?? 0) < f.largestLowMemory);
  return (
    <section className="panel" aria-labelledby="device-fit">
      <div className="panel-title">
        <h2 id="device-fit">{t('fit.title')}</h2>
      </div>
      <p className="small" data-testid="device-memory-estimate">
        {joinSentences([t('fit.memory', { size: formatBytes(memory.bytes), basis: memory.basis }), memory.cpu ? t('fit.cpu') : null])}
      </p>
      <ul className="fit-list" aria-label={t('fit.list')}>
        {fits.map((f) => (
          <li key={f.setId} data-testid={`fit-${f.setId}`}>
            <strong>{label(f.setId)}</strong> <span className={`badge ${f.fits ? 'ok' : 'bad'}`}>{f.fits ? t('fit.fits') : t('fit.tooLarge')}</span>
            <br />
            <span className="small">
              {joinSentences([
                t('fit.modes', { fast: size(f.largestFast), low: size(f.largestLowMemory), weights: formatBytes(f.weightBytes), min: formatBytes(f.minimumBytes) }),
                f.derived ? t('fit.derived', { from: f.derived }) : null,
              ])}
            </span>
          </li>
        ))}
      </ul>
      {lowOnly && (
        <p className="small" data-testid="fit-low-memory">
          {lowMemory ? t('fit.lowMemoryOn') : t('fit.lowMemoryOff')}
        </p>
      )}
      <p className="muted small">
        {t('fit.note')}
      </p>
    </section>
  );
}
