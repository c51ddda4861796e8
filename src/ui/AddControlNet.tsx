import { useStudio } from '../store/index.ts';
import { formatBytes, type ModelSetInfo } from '../store/ui.ts';

/** "Add ControlNet" on a stored Turbo set: the catalog's ControlNet joins the set and downloads with it. */
export function AddControlNet({ set, busy }: { set: ModelSetInfo; busy: boolean }) {
  const add = useStudio((s) => s.models.addControlNet);
  const offer = set.controlNetOffer;
  if (!offer) return null;
  const size = offer.bytes === null ? 'about 6.7 GB (exact size not published)' : formatBytes(offer.bytes);
  return (
    <span className="add-controlnet">
      <button type="button" className="btn small" disabled={busy} onClick={() => void add(set.id)} aria-label={`Add ControlNet to ${set.label}`} title={offer.label}>
        Add ControlNet
      </button>
      <span className="muted small">
        {offer.label}: {size} to download, resumable and verified like the set; about 2.3 GB on the GPU once loaded.
      </span>
    </span>
  );
}
