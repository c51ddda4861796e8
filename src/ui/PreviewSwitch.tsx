import { useStudio } from '../store/index.ts';
import { t } from '../store/ui.ts';

/** Create's live-preview switch (remembered); says when the loaded set has no preview decoder. */
export function PreviewSwitch() {
  const on = useStudio((s) => s.generate.params.previews);
  const setParams = useStudio((s) => s.generate.setParams);
  const loaded = useStudio((s) => s.models.loaded);
  const missing = on && loaded !== null && loaded.previews === false;
  return (
    <div className="panel preview-switch">
      <label className="check">
        <input type="checkbox" checked={on} onChange={(e) => setParams({ previews: e.target.checked })} /> {t('preview.switch')}
      </label>
      <p className="small muted">
        {missing ? t('preview.missing') : t('preview.hint')}
      </p>
    </div>
  );
}
