import type { RefObject } from 'react';
import { useEffect, useRef, useState } from 'react';
import { t, type RgbaImage } from '../store/ui.ts';

function useDrawn(ref: RefObject<HTMLCanvasElement | null>, image: RgbaImage) {
  useEffect(() => {
    const c = ref.current;
    if (!c) return;
    c.width = image.width;
    c.height = image.height;
    c.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(image.data), image.width, image.height), 0, 0);
  }, [ref, image]);
}

/** Before and after, one over the other, split by a slider (keyboard: arrow keys on the slider). */
export function Compare({ before, after, instruction }: { before: RgbaImage; after: RgbaImage; instruction: string }) {
  const beforeRef = useRef<HTMLCanvasElement>(null);
  const afterRef = useRef<HTMLCanvasElement>(null);
  const [split, setSplit] = useState(50);
  useDrawn(beforeRef, before);
  useDrawn(afterRef, after);
  return (
    <div className="compare">
      <div className="compare-frame" style={{ aspectRatio: `${before.width} / ${before.height}`, width: `min(100%, calc((100vh - 300px) * ${before.width / before.height}))` }}>
        <canvas ref={beforeRef} role="img" aria-label={t('compare.beforeEdit')} />
        <canvas ref={afterRef} role="img" aria-label={t('compare.afterEdit', { instruction })} style={{ clipPath: `inset(0 0 0 ${split}%)` }} />
        <div className="compare-line" style={{ left: `${split}%` }} aria-hidden="true" />
        <span className="compare-tag left" aria-hidden="true">
          {t('compare.before')}
        </span>
        <span className="compare-tag right" aria-hidden="true">
          {t('compare.after')}
        </span>
      </div>
      <label className="field compare-slider">
        <span className="visually-hidden">{t('compare.slider')}</span>
        <input type="range" min={0} max={100} value={split} onChange={(e) => setSplit(Number(e.target.value))} aria-valuetext={t('compare.value', { before: split, after: 100 - split })} />
      </label>
    </div>
  );
}
