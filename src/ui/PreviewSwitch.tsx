import { useStudio } from '../store/index.ts';

/** Create's live-preview switch (remembered); says when the loaded set has no preview decoder. */
export function PreviewSwitch() {
  const on = useStudio((s) => s.generate.params.previews);
  const setParams = useStudio((s) => s.generate.setParams);
  const loaded = useStudio((s) => s.models.loaded);
  const missing = on && loaded !== null && loaded.previews === false;
  return (
    <div className="panel preview-switch">
      <label className="check">
        <input type="checkbox" checked={on} onChange={(e) => setParams({ previews: e.target.checked })} /> Live previews while generating
      </label>
      <p className="small muted">
        {missing
          ? 'This model set has no preview decoder (TAEF1, about 10 MB) stored, so images appear when they are finished. Download the set again in Models to fetch it.'
          : 'Shows a quick, rough decode of the image after every step. It costs a little time per step; turn it off for the fastest runs.'}
      </p>
    </div>
  );
}
