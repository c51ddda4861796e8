import { useEffect, useRef } from 'react';
import { formatMs, t, type PreviewFrame } from '../store/ui.ts';

/** The running job's latest live preview (TAEF1 decode of the current x0 prediction), drawn in place of the result. */
export function LivePreview({ frame }: { frame: PreviewFrame }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const c = canvas.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx) return;
    const { width, height, data } = frame.image;
    c.width = width;
    c.height = height;
    ctx.putImageData(new ImageData(new Uint8ClampedArray(data), width, height), 0, 0);
  }, [frame]);
  return (
    <div className="stage live-preview" data-testid="live-preview" data-step={frame.step}>
      <canvas ref={canvas} className="current" aria-label={t('preview.alt', { step: frame.step, steps: frame.steps })} />
      <p className="small muted">
        {t('preview.caption', { step: frame.step, steps: frame.steps, time: formatMs(frame.decodeMs) })}
      </p>
    </div>
  );
}
