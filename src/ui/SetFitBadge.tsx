import { useStudio } from '../store/index.ts';
import { estimateMemory, formatBytes, setFits, t } from '../store/ui.ts';

/** On a model set's card: "May not fit" when its planned low-memory peak at 512² exceeds this GPU's estimated memory. */
export function SetFitBadge({ setId }: { setId: string }) {
  const info = useStudio((s) => s.device.info);
  if (!info) return null;
  const deviceMemory = (navigator as Navigator & { deviceMemory?: number }).deviceMemory;
  const facts = { limits: info.limits, adapter: info.adapter, systemMemoryGiB: deviceMemory };
  const memory = estimateMemory(facts);
  const fit = setFits(facts, memory).find((f) => f.setId === setId);
  if (!fit || fit.fits) return null;
  return (
    <span
      className="badge bad"
      data-testid={`set-too-large-${setId}`}
      title={t('fit.badgeTitle', { min: formatBytes(fit.minimumBytes), size: formatBytes(memory.bytes), basis: memory.basis })}
    >
      {t('fit.badge')}
    </span>
  );
}
