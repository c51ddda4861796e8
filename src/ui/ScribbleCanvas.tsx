import { useEffect, useRef, useState } from 'react';
import { studioStore, useStudio, useStudioShallow } from '../store/index.ts';
import { t } from '../store/ui.ts';
import type { Tool } from '../paint/brush.ts';
import { fullRect, type Rect } from '../paint/mask.ts';
import { renderScribble, SCRIBBLE_SIZE_DEFAULT } from '../paint/scribble.ts';

/**
 * The scribble source of the Control panel: white lines on black, drawn with the mask painter's brush (pen and
 * eraser, undo, clear) into the store's scribble document at the request's size. Strokes paint straight into the
 * document and repaint their dirty rectangle; React re-renders only per committed stroke.
 */
export function ScribbleCanvas({ width, height }: { width: number; height: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [tool, setTool] = useState<Tool>('brush');
  const [size, setSize] = useState(SCRIBBLE_SIZE_DEFAULT);
  const painter = useStudio((s) => s.control.scribble);
  const revision = useStudio((s) => s.control.scribbleRevision);
  const ensure = useStudio((s) => s.control.ensureScribble);
  const { scribbleUndo, scribbleClear, scribbleCommitted } = useStudioShallow((s) => ({ scribbleUndo: s.control.scribbleUndo, scribbleClear: s.control.scribbleClear, scribbleCommitted: s.control.scribbleCommitted }));

  useEffect(() => {
    ensure(width, height);
  }, [ensure, width, height]);

  const paint = (rect: Rect | null) => {
    const c = canvas.current;
    const p = studioStore.getState().control.scribble;
    if (!c || !p || !rect) return;
    if (c.width !== p.width || c.height !== p.height) {
      c.width = p.width;
      c.height = p.height;
      rect = fullRect(p.mask);
    }
    const g = c.getContext('2d');
    if (!g) return;
    const img = g.getImageData(0, 0, c.width, c.height);
    renderScribble(p.mask, rect, img.data);
    g.putImageData(img, 0, 0, rect.x, rect.y, rect.w, rect.h);
  };

  // A new document, undo or clear: repaint all of it.
  useEffect(() => {
    if (painter) paint(fullRect(painter.mask));
    // revision: the mutable document's version (paint reads the store)
  }, [painter, revision]);

  const at = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    const p = painter!;
    return { x: ((e.clientX - r.left) / r.width) * p.width, y: ((e.clientY - r.top) / r.height) * p.height, p: e.pressure || 1 };
  };
  const scale = painter ? painter.width / Math.max(1, canvas.current?.getBoundingClientRect().width || painter.width) : 1;

  return (
    <div className="scribble">
      <canvas
        ref={canvas}
        className="scribble-canvas"
        data-testid="scribble-canvas"
        aria-label={t('scribble.canvas')}
        style={{ aspectRatio: `${width} / ${height}`, touchAction: 'none' }}
        onPointerDown={(e) => {
          if (!painter || e.button !== 0) return;
          e.currentTarget.setPointerCapture(e.pointerId);
          painter.beginStroke({ tool, size: Math.max(1, size * scale), hardness: 1, pressure: false }, at(e));
          paint(painter.takeDirty());
        }}
        onPointerMove={(e) => {
          if (!painter || !e.currentTarget.hasPointerCapture(e.pointerId)) return;
          painter.addPoint(at(e));
          paint(painter.takeDirty());
        }}
        onPointerUp={() => {
          if (!painter) return;
          const changed = painter.endStroke();
          paint(painter.takeDirty());
          if (changed) scribbleCommitted();
        }}
        onPointerCancel={() => {
          painter?.cancelStroke();
          paint(painter?.takeDirty() ?? null);
        }}
      />
      <div className="scribble-tools" role="toolbar" aria-label={t('scribble.tools')}>
        <button type="button" className={`btn small${tool === 'brush' ? ' active' : ''}`} aria-pressed={tool === 'brush'} onClick={() => setTool('brush')}>
          {t('scribble.pen')}
        </button>
        <button type="button" className={`btn small${tool === 'eraser' ? ' active' : ''}`} aria-pressed={tool === 'eraser'} onClick={() => setTool('eraser')}>
          {t('scribble.eraser')}
        </button>
        <label className="small">
          {t('scribble.width')} <input type="range" min={1} max={48} value={size} onChange={(e) => setSize(Number(e.target.value))} aria-label={t('scribble.widthLabel')} />
        </label>
        <button type="button" className="btn small" disabled={!painter?.canUndo} onClick={scribbleUndo}>
          {t('scribble.undo')}
        </button>
        <button type="button" className="btn small" disabled={!painter || painter.isEmpty()} onClick={scribbleClear}>
          {t('scribble.clear')}
        </button>
      </div>
    </div>
  );
}
