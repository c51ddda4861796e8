import { useStudio } from '../store/index.ts';
import { formatBytes, t, type ModelSetInfo } from '../store/ui.ts';

/** "Add ControlNet" on a stored Turbo set: the catalog's ControlNet joins the set and downloads with it. */
export function AddControlNet({ set, busy }: { set: ModelSetInfo; busy: boolean }) {
  const add = useStudio((s) => s.models.addControlNet);
  const offer = set.controlNetOffer;
  if (!offer) return null;
  const size = offer.bytes === null ? t('control.addSizeUnknown') : formatBytes(offer.bytes);
  return (
    <span className="add-controlnet">
      <button type="button" className="btn small" disabled={busy} onClick={() => void add(set.id)} aria-label={t('control.addTo', { name: set.label })} title={offer.label}>
        {t('control.add')}
      </button>
      <span className="muted small">
        {t('control.addHint', { label: offer.label, size })}
      </span>
    </span>
  );
}
