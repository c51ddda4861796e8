import { useEffect, useRef } from 'react';
import { studioStore, useStudio } from '../store/index.ts';
import { isTextTarget } from './files.ts';
import { MaskCanvasController } from './maskCanvasController.ts';
import { t } from '../store/ui.ts';

/**
 * The mask painter's canvases: the image and the mask overlay at image resolution under one CSS transform (zoom and
 * pan), and a viewport-sized cursor canvas on top. The controller does everything pointer-driven imperatively, so
 * moving the cursor or painting never re-renders this component.
 */
export function MaskCanvas() {
  const documentId = useStudio((s) => s.editor.documentId);
  const overlayVisible = useStudio((s) => s.editor.overlayVisible);
  const tool = useStudio((s) => s.editor.tool);
  const viewportRef = useRef<HTMLDivElement>(null);
  const stageRef = useRef<HTMLDivElement>(null);
  const imageRef = useRef<HTMLCanvasElement>(null);
  const overlayRef = useRef<HTMLCanvasElement>(null);
  const cursorRef = useRef<HTMLCanvasElement>(null);
  const zoomLabelRef = useRef<HTMLSpanElement>(null);
  const ctl = useRef<MaskCanvasController | null>(null);

  useEffect(() => {
    const c = new MaskCanvasController(
      { viewport: viewportRef.current!, stage: stageRef.current!, image: imageRef.current!, overlay: overlayRef.current!, cursor: cursorRef.current!, zoomLabel: zoomLabelRef.current },
      studioStore,
    );
    c.attach();
    ctl.current = c;
    return () => {
      c.detach();
      ctl.current = null;
    };
  }, []);

  useEffect(() => {
    ctl.current?.loadDocument();
  }, [documentId]);

  // Zoom keys, space to pan, Escape to drop a stroke: while the editor (the visible tab, the only one mounted) is.
  useEffect(() => {
    const down = (e: KeyboardEvent) => {
      const c = ctl.current;
      if (!c || isTextTarget(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === ' ') {
        c.setSpacePan(true);
        if (e.target === viewportRef.current || e.target === document.body) e.preventDefault();
      } else if (e.key === '+' || e.key === '=') c.zoomBy(1.25);
      else if (e.key === '-' || e.key === '_') c.zoomBy(0.8);
      else if (e.key === '0') c.fit();
      else if (e.key === 'Escape') c.cancelStroke();
    };
    const up = (e: KeyboardEvent) => {
      if (e.key === ' ') ctl.current?.setSpacePan(false);
    };
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    return () => {
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
      ctl.current?.setSpacePan(false);
    };
  }, []);

  return (
    <div className="canvas-wrap">
      <div
        ref={viewportRef}
        className={`viewport tool-${tool}`}
        tabIndex={0}
        role="group"
        aria-roledescription={t('editor.canvasRole')}
        aria-label={t('editor.canvas')}
        data-testid="mask-canvas"
      >
        <div ref={stageRef} className="stage-layers">
          <canvas ref={imageRef} className="layer" aria-hidden="true" />
          <canvas ref={overlayRef} className="layer overlay" aria-hidden="true" hidden={!overlayVisible} />
        </div>
        <canvas ref={cursorRef} className="cursor-layer" aria-hidden="true" />
      </div>
      <div className="zoom-controls">
        <button type="button" className="btn small ghost" onClick={() => ctl.current?.zoomBy(0.8)} aria-label={t('editor.zoomOut')} aria-keyshortcuts="-">
          −
        </button>
        <span ref={zoomLabelRef} className="zoom-label">
          100%
        </span>
        <button type="button" className="btn small ghost" onClick={() => ctl.current?.zoomBy(1.25)} aria-label={t('editor.zoomIn')} aria-keyshortcuts="+">
          +
        </button>
        <button type="button" className="btn small ghost" onClick={() => ctl.current?.fit()} aria-label={t('editor.fitView')} aria-keyshortcuts="0">
          {t('editor.fit')}
        </button>
        <button type="button" className="btn small ghost" onClick={() => ctl.current?.actualSize()} aria-label={t('editor.actual')}>
          1:1
        </button>
      </div>
    </div>
  );
}
