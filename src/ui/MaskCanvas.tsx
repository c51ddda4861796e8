import { useEffect, useRef } from 'react';
import { studioStore, useStudio } from '../store/index.ts';
import type { Tool } from '../paint/brush.ts';
import { fullRect } from '../paint/mask.ts';
import { renderOverlay } from '../paint/overlay.ts';
import { clampZoom, constrainView, fitView, panBy, screenToImage, viewTransform, zoomAt, type View } from '../paint/view.ts';
import { isTextTarget } from './files.ts';

/**
 * The mask painter's canvases: the image and the mask overlay at image resolution under one CSS transform (zoom and
 * pan), and a viewport-sized cursor canvas on top. Everything pointer-driven is imperative: strokes go straight into
 * the store's MaskPainter, the overlay repaints only its dirty rectangle once per animation frame, and the cursor is
 * drawn on its own canvas, so moving or painting never re-renders React.
 */
export function MaskCanvas({ active }: { active: boolean }) {
  const documentId = useStudio((s) => s.editor.documentId);
  const revision = useStudio((s) => s.editor.revision);
  const overlayVisible = useStudio((s) => s.editor.overlayVisible);
  const tool = useStudio((s) => s.editor.tool);
  const viewportRef = useRef<HTMLDivElement>(null);
  const stageRef = useRef<HTMLDivElement>(null);
  const imageRef = useRef<HTMLCanvasElement>(null);
  const overlayRef = useRef<HTMLCanvasElement>(null);
  const cursorRef = useRef<HTMLCanvasElement>(null);
  const zoomLabelRef = useRef<HTMLSpanElement>(null);
  const rt = useRef({
    view: { zoom: 1, x: 0, y: 0 } as View,
    overlay: null as ImageData | null,
    fitted: false,
    pointer: null as { x: number; y: number } | null, // CSS px in the viewport
    drag: null as { mode: 'paint' | 'pan'; id: number; lastX: number; lastY: number } | null,
    space: false,
    frame: 0,
    api: null as null | { schedule: () => void; fit: () => void; zoomBy: (f: number) => void },
  });

  // Load the document: image pixels, the full overlay, and a fitted view.
  useEffect(() => {
    const { source, painter } = studioStore.getState().editor;
    const img = imageRef.current;
    const ov = overlayRef.current;
    const stage = stageRef.current;
    if (!source || !painter || !img || !ov || !stage) return;
    const { width: w, height: h } = source.image;
    for (const c of [img, ov]) {
      c.width = w;
      c.height = h;
    }
    stage.style.width = `${w}px`;
    stage.style.height = `${h}px`;
    img.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(source.image.data), w, h), 0, 0);
    const overlay = new ImageData(w, h);
    renderOverlay(painter.mask, fullRect(painter.mask), overlay.data);
    ov.getContext('2d')!.putImageData(overlay, 0, 0);
    painter.takeDirty();
    rt.current.overlay = overlay;
    rt.current.fitted = false;
    rt.current.api?.fit();
  }, [documentId]);

  // Undo, redo, clear and invert change the mask outside a stroke: repaint what they touched.
  useEffect(() => {
    rt.current.api?.schedule();
  }, [revision]);

  // Pointer, wheel and resize handling, all imperative.
  useEffect(() => {
    const vp = viewportRef.current!;
    const stage = stageRef.current!;
    const cursor = cursorRef.current!;
    const r = rt.current;
    const editor = () => studioStore.getState().editor;

    const applyView = () => {
      stage.style.transform = viewTransform(r.view);
      stage.classList.toggle('pixelated', r.view.zoom >= 2);
      if (zoomLabelRef.current) zoomLabelRef.current.textContent = `${Math.round(r.view.zoom * 100)}%`;
      schedule();
    };
    const fit = () => {
      const src = editor().source;
      if (!src || vp.clientWidth === 0 || vp.clientHeight === 0) return;
      r.view = fitView(src.image.width, src.image.height, vp.clientWidth, vp.clientHeight);
      r.fitted = true;
      applyView();
    };
    const zoomBy = (f: number, sx = vp.clientWidth / 2, sy = vp.clientHeight / 2) => {
      r.view = zoomAt(r.view, f, sx, sy);
      applyView();
    };
    const flush = () => {
      r.frame = 0;
      const painter = editor().painter;
      const ov = overlayRef.current;
      if (painter && ov && r.overlay && r.overlay.width === painter.width && r.overlay.height === painter.height) {
        const d = painter.takeDirty();
        if (d) {
          renderOverlay(painter.mask, d, r.overlay.data);
          ov.getContext('2d')!.putImageData(r.overlay, 0, 0, d.x, d.y, d.w, d.h);
        }
      }
      drawCursor();
    };
    const schedule = () => {
      if (!r.frame) r.frame = requestAnimationFrame(flush);
    };
    const drawCursor = () => {
      const dpr = window.devicePixelRatio || 1;
      const g = cursor.getContext('2d')!;
      g.setTransform(1, 0, 0, 1, 0, 0);
      g.clearRect(0, 0, cursor.width, cursor.height);
      const ed = editor();
      if (!r.pointer || !ed.source || ed.tool === 'pan' || r.space || r.drag?.mode === 'pan') return;
      g.setTransform(dpr, 0, 0, dpr, 0, 0);
      const rad = Math.max(0.5, (ed.brush.size / 2) * r.view.zoom);
      const { x, y } = r.pointer;
      g.beginPath();
      g.arc(x, y, rad, 0, Math.PI * 2);
      g.lineWidth = 3;
      g.strokeStyle = 'rgba(0,0,0,0.55)';
      g.stroke();
      g.lineWidth = 1.25;
      g.strokeStyle = ed.tool === 'eraser' ? '#9fd8ff' : '#ffffff';
      g.stroke();
      if (ed.brush.hardness < 0.95 && rad > 6) {
        g.beginPath();
        g.arc(x, y, rad * Math.max(0.05, ed.brush.hardness), 0, Math.PI * 2);
        g.setLineDash([3, 3]);
        g.strokeStyle = 'rgba(255,255,255,0.5)';
        g.stroke();
        g.setLineDash([]);
      }
      if (rad < 4) {
        g.fillStyle = '#fff';
        g.fillRect(x - 0.5, y - 6, 1, 4);
        g.fillRect(x - 0.5, y + 2, 1, 4);
        g.fillRect(x - 6, y - 0.5, 4, 1);
        g.fillRect(x + 2, y - 0.5, 4, 1);
      }
    };
    r.api = { schedule, fit, zoomBy };

    const local = (e: { clientX: number; clientY: number }) => {
      const b = vp.getBoundingClientRect();
      return { x: e.clientX - b.left, y: e.clientY - b.top };
    };
    const sample = (e: PointerEvent) => {
      const s = local(e);
      const p = screenToImage(r.view, s.x, s.y);
      return { x: p.x, y: p.y, p: e.pointerType === 'pen' && e.pressure > 0 ? e.pressure : 1 };
    };
    const onDown = (e: PointerEvent) => {
      const ed = editor();
      if (!ed.painter || r.drag || ![0, 1, 5].includes(e.button)) return;
      e.preventDefault();
      vp.focus({ preventScroll: true });
      vp.setPointerCapture(e.pointerId);
      if (e.button === 1 || ed.tool === 'pan' || r.space) {
        r.drag = { mode: 'pan', id: e.pointerId, lastX: e.clientX, lastY: e.clientY };
        vp.classList.add('panning');
      } else {
        // The pen's eraser end (button 5) erases whatever tool is chosen.
        const t: Tool = e.button === 5 ? 'eraser' : ed.tool === 'eraser' ? 'eraser' : 'brush';
        ed.painter.beginStroke({ ...ed.brush, tool: t }, sample(e));
        r.drag = { mode: 'paint', id: e.pointerId, lastX: e.clientX, lastY: e.clientY };
      }
      r.pointer = local(e);
      schedule();
    };
    const onMove = (e: PointerEvent) => {
      r.pointer = local(e);
      const d = r.drag;
      if (d && d.id === e.pointerId) {
        if (d.mode === 'paint') {
          const painter = editor().painter;
          const evs = e.getCoalescedEvents?.() ?? [];
          for (const ev of evs.length ? evs : [e]) painter?.addPoint(sample(ev));
        } else {
          const src = editor().source;
          r.view = panBy(r.view, e.clientX - d.lastX, e.clientY - d.lastY);
          if (src) r.view = constrainView(r.view, src.image.width, src.image.height, vp.clientWidth, vp.clientHeight);
          d.lastX = e.clientX;
          d.lastY = e.clientY;
          applyView();
        }
      }
      schedule();
    };
    const onUp = (e: PointerEvent) => {
      const d = r.drag;
      if (!d || d.id !== e.pointerId) return;
      r.drag = null;
      vp.classList.remove('panning');
      if (vp.hasPointerCapture(e.pointerId)) vp.releasePointerCapture(e.pointerId);
      if (d.mode === 'paint') {
        const ed = editor();
        if (e.type === 'pointercancel') ed.painter?.cancelStroke();
        else ed.painter?.endStroke();
        ed.strokeCommitted();
      }
      schedule();
    };
    const onLeave = () => {
      if (!r.drag) r.pointer = null;
      schedule();
    };
    const onWheel = (e: WheelEvent) => {
      if (!editor().source) return;
      e.preventDefault();
      const s = local(e);
      const k = e.deltaMode === 1 ? 0.05 : e.deltaMode === 2 ? 1 : 0.0015;
      zoomBy(Math.exp(-e.deltaY * k * (e.ctrlKey ? 4 : 1)), s.x, s.y);
    };
    const resize = () => {
      const dpr = window.devicePixelRatio || 1;
      cursor.width = Math.max(1, Math.round(vp.clientWidth * dpr));
      cursor.height = Math.max(1, Math.round(vp.clientHeight * dpr));
      if (!r.fitted) fit();
      else schedule();
    };
    const ro = new ResizeObserver(resize);
    ro.observe(vp);
    // The cursor follows brush size and tool changes without React.
    const unsub = studioStore.subscribe((s, prev) => {
      if (s.editor.brush !== prev.editor.brush || s.editor.tool !== prev.editor.tool) schedule();
    });
    vp.addEventListener('pointerdown', onDown);
    vp.addEventListener('pointermove', onMove);
    vp.addEventListener('pointerup', onUp);
    vp.addEventListener('pointercancel', onUp);
    vp.addEventListener('pointerleave', onLeave);
    vp.addEventListener('wheel', onWheel, { passive: false });
    applyView();
    return () => {
      ro.disconnect();
      unsub();
      vp.removeEventListener('pointerdown', onDown);
      vp.removeEventListener('pointermove', onMove);
      vp.removeEventListener('pointerup', onUp);
      vp.removeEventListener('pointercancel', onUp);
      vp.removeEventListener('pointerleave', onLeave);
      vp.removeEventListener('wheel', onWheel);
      if (r.frame) cancelAnimationFrame(r.frame);
      r.frame = 0;
      r.api = null;
    };
  }, []);

  // Zoom keys, space to pan, Escape to drop a stroke: only while the editor is the visible tab.
  useEffect(() => {
    if (!active) return;
    const r = rt.current;
    const down = (e: KeyboardEvent) => {
      if (isTextTarget(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === ' ') {
        if (!r.space) {
          r.space = true;
          viewportRef.current?.classList.add('pan-ready');
          r.api?.schedule();
        }
        if (e.target === viewportRef.current || e.target === document.body) e.preventDefault();
      } else if (e.key === '+' || e.key === '=') r.api?.zoomBy(1.25);
      else if (e.key === '-' || e.key === '_') r.api?.zoomBy(0.8);
      else if (e.key === '0') r.api?.fit();
      else if (e.key === 'Escape' && r.drag?.mode === 'paint') {
        studioStore.getState().editor.painter?.cancelStroke();
        r.drag = null;
        r.api?.schedule();
      }
    };
    const up = (e: KeyboardEvent) => {
      if (e.key === ' ') {
        r.space = false;
        viewportRef.current?.classList.remove('pan-ready');
        r.api?.schedule();
      }
    };
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    return () => {
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
    };
  }, [active]);

  return (
    <div className="canvas-wrap">
      <div
        ref={viewportRef}
        className={`viewport tool-${tool}`}
        tabIndex={0}
        role="group"
        aria-roledescription="mask canvas"
        aria-label="Mask canvas: drag to paint the area to change. Space or middle button drag pans, the wheel zooms."
        data-testid="mask-canvas"
      >
        <div ref={stageRef} className="stage-layers">
          <canvas ref={imageRef} className="layer" aria-hidden="true" />
          <canvas ref={overlayRef} className="layer overlay" aria-hidden="true" hidden={!overlayVisible} />
        </div>
        <canvas ref={cursorRef} className="cursor-layer" aria-hidden="true" />
      </div>
      <div className="zoom-controls">
        <button type="button" className="btn small ghost" onClick={() => rt.current.api?.zoomBy(0.8)} aria-label="Zoom out" aria-keyshortcuts="-">
          −
        </button>
        <span ref={zoomLabelRef} className="zoom-label" aria-live="off">
          100%
        </span>
        <button type="button" className="btn small ghost" onClick={() => rt.current.api?.zoomBy(1.25)} aria-label="Zoom in" aria-keyshortcuts="+">
          +
        </button>
        <button type="button" className="btn small ghost" onClick={() => rt.current.api?.fit()} aria-keyshortcuts="0">
          Fit
        </button>
        <button
          type="button"
          className="btn small ghost"
          onClick={() => {
            const r = rt.current;
            const vp = viewportRef.current;
            if (!vp) return;
            r.view = zoomAt(r.view, clampZoom(1) / r.view.zoom, vp.clientWidth / 2, vp.clientHeight / 2);
            r.api?.zoomBy(1);
          }}
        >
          1:1
        </button>
      </div>
    </div>
  );
}
