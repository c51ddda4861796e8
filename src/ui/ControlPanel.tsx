import { useEffect, useId, useRef } from 'react';
import { useStudio, useStudioShallow } from '../store/index.ts';
import { controlAvailable, formatNumber, t, type ControlKind, type RgbaImage } from '../store/ui.ts';
import { ScribbleCanvas } from './ScribbleCanvas.tsx';
import './control.css';

const KINDS: { kind: ControlKind; label: `control.kind.${ControlKind}` }[] = [
  { kind: 'canny', label: 'control.kind.canny' },
  { kind: 'scribble', label: 'control.kind.scribble' },
  { kind: 'image', label: 'control.kind.image' },
];

const PATH_TEXT: Record<string, 'control.path.control' | 'control.path.control-inpaint'> = {
  control: 'control.path.control',
  'control-inpaint': 'control.path.control-inpaint',
};
const pathText = (path: string): string => (PATH_TEXT[path] ? t(PATH_TEXT[path]) : path);
const fixed2 = (v: number) => formatNumber(v, { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** What a result's metadata says about the ControlNet path that ran (for the result views). */
export function controlPathText(c: { kind: string; path: string; scale: number } | undefined): string | null {
  return c ? t('control.pathSummary', { path: pathText(c.path), kind: c.kind, scale: fixed2(c.scale) }) : null;
}

/**
 * The Control panel in Create and Edit, shown when the set in use has a ControlNet: the control image's type and
 * source (a picture, with a live Canny preview, or a scribble), strength, start/end fractions of the steps, and in
 * Edit the switch for the ControlNet's inpaint mode.
 */
export function ControlPanel({ target }: { target: 'create' | 'edit' }) {
  const available = useStudio(controlAvailable);
  const c = useStudioShallow((s) => {
    const { enabled, kind, source, preview, previewBusy, low, high, scale, start, end, inpaint, needsImage, error } = s.control;
    return { enabled, kind, source, preview, previewBusy, low, high, scale, start, end, inpaint, needsImage, error };
  });
  const a = useStudioShallow((s) => {
    const { setEnabled, setKind, setParams, loadFile, clearSource, dismiss } = s.control;
    return { setEnabled, setKind, setParams, loadFile, clearSource, dismiss };
  });
  const size = useStudioShallow((s) =>
    target === 'edit' && s.editor.source ? { w: s.editor.source.image.width, h: s.editor.source.image.height } : { w: s.generate.params.width, h: s.generate.params.height },
  );
  const lastEdit = useStudio((s) => (target === 'edit' ? s.editor.result?.controlPath : undefined));
  const id = useId();
  if (!available) return null;
  const pct = (v: number) => formatNumber(Math.round(v * 100) / 100, { style: 'percent' });
  const onFile = (f: File | undefined) => {
    if (f) void a.loadFile(f, f.name);
  };
  return (
    <section
      className="panel control-panel"
      aria-label={t('control.label')}
      onDragOver={(e) => {
        e.preventDefault();
        e.stopPropagation();
      }}
      onDrop={(e) => {
        // A picture dropped here is the control image, not a PNG whose settings to restore.
        e.preventDefault();
        e.stopPropagation();
        onFile(e.dataTransfer.files[0]);
      }}
    >
      <h3>{t('control.title')}</h3>
      <label className="field-row">
        <input type="checkbox" checked={c.enabled} onChange={(e) => a.setEnabled(e.target.checked)} />
        {t('control.use')}
      </label>
      {c.enabled && (
        <>
          <label className="field">
            <span className="field-label">{t('control.type')}</span>
            <select value={c.kind} onChange={(e) => a.setKind(e.target.value as ControlKind)} aria-label={t('control.typeLabel')}>
              {KINDS.map((k) => (
                <option key={k.kind} value={k.kind}>
                  {t(k.label)}
                </option>
              ))}
            </select>
          </label>
          {c.kind === 'scribble' ? (
            <ScribbleCanvas width={size.w} height={size.h} />
          ) : (
            <div className="field">
              <span className="field-row">
                <label className="btn small">
                  {t('control.chooseImage')}
                  <input type="file" accept="image/*" className="visually-hidden" data-testid="control-file" onChange={(e) => (onFile(e.target.files?.[0]), (e.target.value = ''))} />
                </label>
                <span className="muted small">{c.source ? c.source.name : t('control.orDrop')}</span>
                {c.source && (
                  <button type="button" className="btn small ghost" onClick={a.clearSource}>
                    {t('control.remove')}
                  </button>
                )}
              </span>
              {c.kind === 'canny' && (
                <>
                  <Slider id={`${id}-low`} label={t('control.low')} min={1} max={500} step={1} value={c.low} text={String(c.low)} onChange={(low) => a.setParams({ low })} />
                  <Slider id={`${id}-high`} label={t('control.high')} min={1} max={500} step={1} value={c.high} text={String(c.high)} onChange={(high) => a.setParams({ high })} />
                </>
              )}
              {(c.kind === 'canny' ? c.preview : c.source?.image) && (
                <RgbaView image={(c.kind === 'canny' ? c.preview : c.source!.image)!} label={c.kind === 'canny' ? t('control.cannyPreview') : t('control.image')} busy={c.previewBusy} />
              )}
            </div>
          )}
          {c.needsImage && (
            <p className="muted small" role="status">
              {c.kind === 'scribble' ? t('control.needsDrawing') : t('control.needsPicture')}
            </p>
          )}
        </>
      )}
      {(c.enabled || target === 'edit') && (
        <>
          <Slider id={`${id}-scale`} label={t('control.strength')} min={0} max={2} step={0.05} value={c.scale} text={fixed2(c.scale)} onChange={(scale) => a.setParams({ scale })} />
          <Slider id={`${id}-start`} label={t('control.start')} min={0} max={0.95} step={0.05} value={c.start} text={pct(c.start)} onChange={(start) => a.setParams({ start })} />
          <Slider id={`${id}-end`} label={t('control.end')} min={0.05} max={1} step={0.05} value={c.end} text={pct(c.end)} onChange={(end) => a.setParams({ end })} />
          <span className="muted small">{t('control.startEndHint')}</span>
        </>
      )}
      {target === 'edit' && (
        <label className="field-row">
          <input type="checkbox" checked={c.inpaint} onChange={(e) => a.setParams({ inpaint: e.target.checked })} />
          {t('control.inpaint')}
        </label>
      )}
      {target === 'edit' && <span className="muted small">{t('control.inpaintHint')}</span>}
      {lastEdit !== undefined && (
        <p className="muted small" data-testid="edit-control-path">
          {t('control.lastEdit', { path: lastEdit === 'none' ? t('control.lastEditNone') : pathText(lastEdit) })}
        </p>
      )}
      {c.error && (
        <p className="error small" role="alert" onClick={a.dismiss}>
          {c.error.message}
        </p>
      )}
    </section>
  );
}

function Slider(p: { id: string; label: string; min: number; max: number; step: number; value: number; text: string; onChange: (v: number) => void }) {
  return (
    <div className="field">
      <span className="field-row label-row">
        <label className="field-label" htmlFor={p.id}>
          {p.label}
        </label>
        <span className="muted small">{p.text}</span>
      </span>
      <input id={p.id} type="range" min={p.min} max={p.max} step={p.step} value={p.value} aria-valuetext={p.text} onChange={(e) => p.onChange(Number(e.target.value))} />
    </div>
  );
}

/** An RGBA8 image drawn into a canvas (the Canny preview, the picked control image). */
function RgbaView({ image, label, busy }: { image: RgbaImage; label: string; busy: boolean }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.width = image.width;
    el.height = image.height;
    el.getContext('2d')?.putImageData(new ImageData(new Uint8ClampedArray(image.data.slice(0)), image.width, image.height), 0, 0);
  }, [image]);
  return <canvas ref={ref} className={`control-preview${busy ? ' busy' : ''}`} aria-label={label} />;
}
