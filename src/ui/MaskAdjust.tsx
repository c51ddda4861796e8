import { useEffect, useId, useMemo, useRef } from 'react';
import { previewEffectiveMask } from '../paint/maskOps.ts';
import { useStudio } from '../store/index.ts';
import { MAX_FEATHER, MAX_GROW, MAX_PADDING, t } from '../store/ui.ts';

/** Grow/shrink and feather of the mask with a live preview of the effective mask, and "only the masked area". */
export function MaskAdjust() {
  const id = useId();
  const m = useStudio((s) => s.editor.maskAdjust);
  const set = useStudio((s) => s.editor.setMaskAdjust);
  const painter = useStudio((s) => s.editor.painter);
  const revision = useStudio((s) => s.editor.revision);
  const canvas = useRef<HTMLCanvasElement>(null);
  // Recomputed per committed mask change (revision) or setting, at preview size (<= 160 px): never per pointer move.
  const preview = useMemo(
    () => (painter && !painter.isEmpty() ? previewEffectiveMask(painter.mask.data, painter.width, painter.height, m, 160) : null),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- revision is the mutable mask's version
    [painter, revision, m],
  );
  useEffect(() => {
    const c = canvas.current;
    if (!c || !preview) return;
    c.width = preview.width;
    c.height = preview.height;
    const img = new ImageData(preview.width, preview.height);
    for (let i = 0; i < preview.data.length; i++) {
      const v = preview.data[i];
      img.data.set([v, v, v, 255], i * 4);
    }
    c.getContext('2d')?.putImageData(img, 0, 0);
  }, [preview]);
  if (!painter) return null;
  return (
    <fieldset className="mask-adjust">
      <legend className="field-label">{t('mask.edge')}</legend>
      <div className="mask-adjust-row">
        <div className="mask-adjust-sliders">
          <label className="field">
            <span className="field-row label-row">
              <span>{t('mask.grow')}</span>
              <span className="muted small">{t('mask.px', { n: m.grow })}</span>
            </span>
            <input type="range" min={-MAX_GROW} max={MAX_GROW} step={1} value={m.grow} onChange={(e) => set({ grow: Number(e.target.value) })} />
          </label>
          <label className="field">
            <span className="field-row label-row">
              <span>{t('mask.feather')}</span>
              <span className="muted small">{t('mask.px', { n: m.feather })}</span>
            </span>
            <input type="range" min={0} max={MAX_FEATHER} step={1} value={m.feather} onChange={(e) => set({ feather: Number(e.target.value) })} />
          </label>
        </div>
        {preview ? <canvas ref={canvas} className="mask-preview" role="img" aria-label={t('mask.preview')} data-testid="mask-preview" /> : <span className="muted small">{t('mask.none')}</span>}
      </div>
      <label className="check" title={t('mask.onlyMaskedHint')}>
        <input type="checkbox" checked={m.onlyMasked} onChange={(e) => set({ onlyMasked: e.target.checked })} />
        {t('mask.onlyMasked')}
      </label>
      {m.onlyMasked && (
        <label className="field inline" htmlFor={`${id}-pad`}>
          <span>{t('mask.padding')}</span>
          <input id={`${id}-pad`} type="number" min={0} max={MAX_PADDING} value={m.padding} onChange={(e) => set({ padding: Number(e.target.value) })} />
        </label>
      )}
    </fieldset>
  );
}
