import { useEffect, useState } from 'react';
import { useStudio, useStudioShallow } from '../store/index.ts';
import { ASPECTS, BASE_SIZES, MAX_SIDE, MIN_SIDE, SIZE_STEP, snapSide, t } from '../store/ui.ts';

/** Aspect-ratio presets at a resolution, or a custom width and height (snapped to multiples of 16 on commit). */
export function SizePicker() {
  const aspect = useStudio((s) => s.generate.params.aspect);
  const base = useStudio((s) => s.generate.params.baseSize);
  const width = useStudio((s) => s.generate.params.width);
  const height = useStudio((s) => s.generate.params.height);
  const g = useStudioShallow((s) => {
    const { setAspect, setBaseSize, setSize, commitSize } = s.generate;
    return { setAspect, setBaseSize, setSize, commitSize };
  });
  const snappedW = snapSide(width);
  const snappedH = snapSide(height);
  return (
    <div className="size-picker">
      <fieldset className="field">
        <legend className="field-label">{t('size.aspect')}</legend>
        <div className="segmented aspects">
          {[...ASPECTS, 'custom' as const].map((a) => (
            <label key={a}>
              <input type="radio" name="aspect" value={a} checked={aspect === a} onChange={() => g.setAspect(a)} />
              {a === 'custom' ? t('size.custom') : a}
            </label>
          ))}
        </div>
      </fieldset>
      <label className="field resolution">
          <span className="field-label">{t('size.resolution')}</span>
          <select value={aspect === 'custom' ? '' : base} disabled={aspect === 'custom'} onChange={(e) => g.setBaseSize(Number(e.target.value))}>
            {aspect === 'custom' && <option value="">{t('size.custom')}</option>}
            {BASE_SIZES.map((b) => (
              <option key={b} value={b}>
                {t(b === 1024 ? 'size.aboutRecommended' : b === 512 ? 'size.aboutFastest' : 'size.about', { side: b })}
              </option>
            ))}
          </select>
      </label>
      <div className="field-row">
        <SideInput label={t('size.width')} value={width} onChange={(w) => g.setSize(w, height)} onCommit={g.commitSize} />
        <span className="times" aria-hidden="true">
          ×
        </span>
        <SideInput label={t('size.height')} value={height} onChange={(h) => g.setSize(width, h)} onCommit={g.commitSize} />
      </div>
      {(snappedW !== width || snappedH !== height) && (
        <p className="muted small hint" role="status">
          {t('size.snap', { width: snappedW, height: snappedH, step: SIZE_STEP, min: MIN_SIDE, max: MAX_SIDE })}
        </p>
      )}
    </div>
  );
}

/** A number field that keeps what is typed while focused and snaps on blur or Enter. */
function SideInput({ label, value, onChange, onCommit }: { label: string; value: number; onChange: (v: number) => void; onCommit: () => void }) {
  const [draft, setDraft] = useState(String(value));
  const [focused, setFocused] = useState(false);
  useEffect(() => {
    if (!focused) setDraft(String(value));
  }, [value, focused]);
  return (
    <label className="field side">
      <span className="field-label">{label}</span>
      <input
        type="number"
        min={MIN_SIDE}
        max={MAX_SIDE}
        step={SIZE_STEP}
        value={draft}
        onFocus={() => setFocused(true)}
        onChange={(e) => {
          setDraft(e.target.value);
          const n = Number(e.target.value);
          if (e.target.value.trim() !== '' && Number.isFinite(n)) onChange(n);
        }}
        onBlur={() => {
          setFocused(false);
          onCommit();
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.ctrlKey && !e.metaKey) {
            e.preventDefault();
            onCommit();
          }
        }}
      />
    </label>
  );
}
