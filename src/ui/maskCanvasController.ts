// The mask canvas's imperative half: pointer, wheel and resize handling, overlay repaint and cursor drawing. It
// reads the editor state from the store at event time and writes strokes straight into the store's MaskPainter, so
// nothing here re-renders React. MaskCanvas.tsx is the thin React shell around it.
import type { Studio, StudioStore } from '../store/index.ts';
import type { Tool } from '../paint/brush.ts';
import { fullRect } from '../paint/mask.ts';
import { renderOverlay } from '../paint/overlay.ts';
import { constrainView, fitView, panBy, screenToImage, viewTransform, zoomAt, type View } from '../paint/view.ts';

export interface CanvasElements {
  viewport: HTMLDivElement;
  stage: HTMLDivElement;
  image: HTMLCanvasElement;
  overlay: HTMLCanvasElement;
  cursor: HTMLCanvasElement;
  zoomLabel: HTMLElement | null;
}

export class MaskCanvasController {
  private view: View = { zoom: 1, x: 0, y: 0 };
  private overlayPixels: ImageData | null = null;
  private fitted = false;
  private pointer: { x: number; y: number } | null = null; // CSS px in the viewport
  private drag: { mode: 'paint' | 'pan'; id: number; lastX: number; lastY: number } | null = null;
  private space = false;
  private frame = 0;
  private cleanup: (() => void)[] = [];

  constructor(
    private readonly el: CanvasElements,
    private readonly store: StudioStore,
  ) {}

  private get editor(): Studio['editor'] {
    return this.store.getState().editor;
  }

  attach(): void {
    const vp = this.el.viewport;
    const on = <K extends keyof HTMLElementEventMap>(type: K, fn: (e: HTMLElementEventMap[K]) => void, opts?: AddEventListenerOptions) => {
      vp.addEventListener(type, fn, opts);
      this.cleanup.push(() => vp.removeEventListener(type, fn, opts));
    };
    on('pointerdown', this.onDown);
    on('pointermove', this.onMove);
    on('pointerup', this.onUp);
    on('pointercancel', this.onUp);
    on('pointerleave', this.onLeave);
    on('wheel', this.onWheel, { passive: false });
    const ro = new ResizeObserver(this.onResize);
    ro.observe(vp);
    this.cleanup.push(() => ro.disconnect());
    // The cursor follows brush size and tool changes; undo, redo, clear and invert repaint what they touched.
    this.cleanup.push(
      this.store.subscribe((s, prev) => {
        const e = s.editor;
        const p = prev.editor;
        if (e.brush !== p.brush || e.tool !== p.tool || e.revision !== p.revision) this.schedule();
      }),
    );
    this.applyView();
  }

  detach(): void {
    for (const f of this.cleanup.splice(0)) f();
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
  }

  /** Draws a newly opened document: image pixels, the whole overlay, and a fitted view. */
  loadDocument(): void {
    const { source, painter } = this.editor;
    const { image, overlay, stage } = this.el;
    if (!source || !painter) return;
    const { width: w, height: h } = source.image;
    for (const c of [image, overlay]) {
      c.width = w;
      c.height = h;
    }
    stage.style.width = `${w}px`;
    stage.style.height = `${h}px`;
    image.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(source.image.data), w, h), 0, 0);
    this.overlayPixels = new ImageData(w, h);
    renderOverlay(painter.mask, fullRect(painter.mask), this.overlayPixels.data);
    overlay.getContext('2d')!.putImageData(this.overlayPixels, 0, 0);
    painter.takeDirty();
    this.fitted = false;
    this.fit();
  }

  fit(): void {
    const src = this.editor.source;
    const vp = this.el.viewport;
    if (!src || vp.clientWidth === 0 || vp.clientHeight === 0) return;
    this.view = fitView(src.image.width, src.image.height, vp.clientWidth, vp.clientHeight);
    this.fitted = true;
    this.applyView();
  }

  zoomBy(f: number, sx = this.el.viewport.clientWidth / 2, sy = this.el.viewport.clientHeight / 2): void {
    this.view = zoomAt(this.view, f, sx, sy);
    this.applyView();
  }

  /** 100%: one image pixel per CSS pixel, centred on the viewport's middle. */
  actualSize(): void {
    this.zoomBy(1 / this.view.zoom);
  }

  setSpacePan(down: boolean): void {
    if (this.space === down) return;
    this.space = down;
    this.el.viewport.classList.toggle('pan-ready', down);
    this.schedule();
  }

  /** Escape: drops the stroke in progress. */
  cancelStroke(): void {
    if (this.drag?.mode !== 'paint') return;
    this.editor.painter?.cancelStroke();
    this.drag = null;
    this.schedule();
  }

  schedule = (): void => {
    if (!this.frame) this.frame = requestAnimationFrame(this.flush);
  };

  private applyView(): void {
    const { stage, zoomLabel } = this.el;
    stage.style.transform = viewTransform(this.view);
    stage.classList.toggle('pixelated', this.view.zoom >= 2);
    if (zoomLabel) zoomLabel.textContent = `${Math.round(this.view.zoom * 100)}%`;
    this.schedule();
  }

  /** Once per frame: the overlay's dirty rectangle, then the cursor. */
  private flush = (): void => {
    this.frame = 0;
    const painter = this.editor.painter;
    const px = this.overlayPixels;
    if (painter && px && px.width === painter.width && px.height === painter.height) {
      const d = painter.takeDirty();
      if (d) {
        renderOverlay(painter.mask, d, px.data);
        this.el.overlay.getContext('2d')!.putImageData(px, 0, 0, d.x, d.y, d.w, d.h);
      }
    }
    this.drawCursor();
  };

  private drawCursor(): void {
    const c = this.el.cursor;
    const dpr = window.devicePixelRatio || 1;
    const g = c.getContext('2d')!;
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.clearRect(0, 0, c.width, c.height);
    const ed = this.editor;
    if (!this.pointer || !ed.source || ed.tool === 'pan' || this.space || this.drag?.mode === 'pan') return;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    const rad = Math.max(0.5, (ed.brush.size / 2) * this.view.zoom);
    const { x, y } = this.pointer;
    g.beginPath();
    g.arc(x, y, rad, 0, Math.PI * 2);
    g.lineWidth = 3;
    g.strokeStyle = 'rgba(0,0,0,0.55)';
    g.stroke();
    g.lineWidth = 1.25;
    g.strokeStyle = ed.tool === 'eraser' ? '#9fd8ff' : '#ffffff';
    g.stroke();
    if (ed.brush.hardness < 0.95 && rad > 6) {
      // The inner ring: where the soft edge starts.
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
  }

  private local(e: { clientX: number; clientY: number }) {
    const b = this.el.viewport.getBoundingClientRect();
    return { x: e.clientX - b.left, y: e.clientY - b.top };
  }

  /** A pointer sample in image px; a mouse or touch counts as full pressure (their pressure field means nothing). */
  private sample(e: PointerEvent) {
    const s = this.local(e);
    const p = screenToImage(this.view, s.x, s.y);
    return { x: p.x, y: p.y, p: e.pointerType === 'pen' && e.pressure > 0 ? e.pressure : 1 };
  }

  private onDown = (e: PointerEvent): void => {
    const ed = this.editor;
    if (!ed.painter || this.drag || ![0, 1, 5].includes(e.button)) return;
    const vp = this.el.viewport;
    e.preventDefault();
    vp.focus({ preventScroll: true });
    vp.setPointerCapture(e.pointerId);
    if (e.button === 1 || ed.tool === 'pan' || this.space) {
      this.drag = { mode: 'pan', id: e.pointerId, lastX: e.clientX, lastY: e.clientY };
      vp.classList.add('panning');
    } else {
      // The pen's eraser end (button 5) erases whatever tool is chosen.
      const tool: Tool = e.button === 5 || ed.tool === 'eraser' ? 'eraser' : 'brush';
      ed.painter.beginStroke({ ...ed.brush, tool }, this.sample(e));
      this.drag = { mode: 'paint', id: e.pointerId, lastX: e.clientX, lastY: e.clientY };
    }
    this.pointer = this.local(e);
    this.schedule();
  };

  private onMove = (e: PointerEvent): void => {
    this.pointer = this.local(e);
    const d = this.drag;
    if (d && d.id === e.pointerId) {
      if (d.mode === 'paint') {
        const painter = this.editor.painter;
        // Coalesced events keep fast strokes smooth: every sample the pen produced, not one per frame.
        const evs = e.getCoalescedEvents?.() ?? [];
        for (const ev of evs.length ? evs : [e]) painter?.addPoint(this.sample(ev));
      } else {
        const src = this.editor.source;
        const vp = this.el.viewport;
        this.view = panBy(this.view, e.clientX - d.lastX, e.clientY - d.lastY);
        if (src) this.view = constrainView(this.view, src.image.width, src.image.height, vp.clientWidth, vp.clientHeight);
        d.lastX = e.clientX;
        d.lastY = e.clientY;
        this.applyView();
      }
    }
    this.schedule();
  };

  private onUp = (e: PointerEvent): void => {
    const d = this.drag;
    if (!d || d.id !== e.pointerId) return;
    const vp = this.el.viewport;
    this.drag = null;
    vp.classList.remove('panning');
    if (vp.hasPointerCapture(e.pointerId)) vp.releasePointerCapture(e.pointerId);
    if (d.mode === 'paint') {
      const ed = this.editor;
      if (e.type === 'pointercancel') ed.painter?.cancelStroke();
      else ed.painter?.endStroke();
      ed.strokeCommitted();
    }
    this.schedule();
  };

  private onLeave = (): void => {
    if (!this.drag) this.pointer = null;
    this.schedule();
  };

  private onWheel = (e: WheelEvent): void => {
    if (!this.editor.source) return;
    e.preventDefault();
    const s = this.local(e);
    const k = e.deltaMode === 1 ? 0.05 : e.deltaMode === 2 ? 1 : 0.0015; // lines, pages, pixels
    this.zoomBy(Math.exp(-e.deltaY * k * (e.ctrlKey ? 4 : 1)), s.x, s.y);
  };

  private onResize = (): void => {
    const { viewport: vp, cursor } = this.el;
    const dpr = window.devicePixelRatio || 1;
    cursor.width = Math.max(1, Math.round(vp.clientWidth * dpr));
    cursor.height = Math.max(1, Math.round(vp.clientHeight * dpr));
    // A hidden tab has no size: fit once it is shown.
    if (!this.fitted) this.fit();
    else this.schedule();
  };
}
