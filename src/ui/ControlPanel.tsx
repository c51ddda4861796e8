import { useEffect, useId, useRef } from 'react';
import { useStudio, useStudioShallow } from '../store/index.ts';
import { controlAvailable, type ControlKind, type RgbaImage } from '../store/ui.ts';
import { ScribbleCanvas } from './ScribbleCanvas.tsx';
import './control.css';

const KINDS: { kind: ControlKind; label: string }[] = [
  { kind: 'canny', label: 'Canny edges of an image' },
  { kind: 'scribble', label: 'Scribble drawing' },
  { kind: 'image', label: 'Control image as is (depth, pose…)' },
];

const PATH_TEXT: Record<string, string> = {
  control: 'ControlNet (control image)',
  'control-inpaint': "ControlNet's inpaint mode",
};

/** What a result's metadata says about the ControlNet path that ran (for the result views). */
export function controlPathText(c: { kind: string; path: string; scale: number } | undefined): string | null {
  return c ? `${PATH_TEXT[c.path] ?? c.path}, ${c.kind}, strength ${c.scale.toFixed(2)}` : null;
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
  const pct = (v: number) => `${Math.round(v * 100)}%`;
  const onFile = (f: File | undefined) => {
    if (f) void a.loadFile(f, f.name);
  };
  return (
    <section
      className="panel control-panel"
      aria-label="Control"
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
      <h3>Control (ControlNet)</h3>
      <label className="field-row">
        <input type="checkbox" checked={c.enabled} onChange={(e) => a.setEnabled(e.target.checked)} />
        Use a control image
      </label>
      {c.enabled && (
        <>
          <label className="field">
            <span className="field-label">Type</span>
            <select value={c.kind} onChange={(e) => a.setKind(e.target.value as ControlKind)} aria-label="Control type">
              {KINDS.map((k) => (
                <option key={k.kind} value={k.kind}>
                  {k.label}
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
                  Choose image
                  <input type="file" accept="image/*" className="visually-hidden" data-testid="control-file" onChange={(e) => (onFile(e.target.files?.[0]), (e.target.value = ''))} />
                </label>
                <span className="muted small">{c.source ? c.source.name : 'or drop one here'}</span>
                {c.source && (
                  <button type="button" className="btn small ghost" onClick={a.clearSource}>
                    Remove
                  </button>
                )}
              </span>
              {c.kind === 'canny' && (
                <>
                  <Slider id={`${id}-low`} label="Low threshold" min={1} max={500} step={1} value={c.low} text={String(c.low)} onChange={(low) => a.setParams({ low })} />
                  <Slider id={`${id}-high`} label="High threshold" min={1} max={500} step={1} value={c.high} text={String(c.high)} onChange={(high) => a.setParams({ high })} />
                </>
              )}
              {(c.kind === 'canny' ? c.preview : c.source?.image) && (
                <RgbaView image={(c.kind === 'canny' ? c.preview : c.source!.image)!} label={c.kind === 'canny' ? 'Canny edges preview' : 'Control image'} busy={c.previewBusy} />
              )}
            </div>
          )}
          {c.needsImage && (
            <p className="muted small" role="status">
              Settings restored from an image: its control {c.kind === 'scribble' ? 'drawing' : 'picture'} is not kept with it, so {c.kind === 'scribble' ? 'draw it' : 'choose it'} again.
            </p>
          )}
        </>
      )}
      {(c.enabled || target === 'edit') && (
        <>
          <Slider id={`${id}-scale`} label="Control strength" min={0} max={2} step={0.05} value={c.scale} text={c.scale.toFixed(2)} onChange={(scale) => a.setParams({ scale })} />
          <Slider id={`${id}-start`} label="Start" min={0} max={0.95} step={0.05} value={c.start} text={pct(c.start)} onChange={(start) => a.setParams({ start })} />
          <Slider id={`${id}-end`} label="End" min={0.05} max={1} step={0.05} value={c.end} text={pct(c.end)} onChange={(end) => a.setParams({ end })} />
          <span className="muted small">Start and end: the part of the steps the control applies to.</span>
        </>
      )}
      {target === 'edit' && (
        <label className="field-row">
          <input type="checkbox" checked={c.inpaint} onChange={(e) => a.setParams({ inpaint: e.target.checked })} />
          Use the ControlNet&apos;s inpaint mode
        </label>
      )}
      {target === 'edit' && <span className="muted small">For masked edits; off keeps the plain inpaint path.</span>}
      {lastEdit !== undefined && (
        <p className="muted small" data-testid="edit-control-path">
          Last edit ran: {lastEdit === 'none' ? 'without the ControlNet' : PATH_TEXT[lastEdit]}
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
