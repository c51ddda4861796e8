// Zoom and pan: screen = image * zoom + offset, in CSS px relative to the viewport's top-left corner.

export interface View {
  zoom: number;
  /** Screen position of the image's top-left corner, CSS px. */
  x: number;
  y: number;
}

export const MIN_ZOOM = 0.05;
export const MAX_ZOOM = 32;

export const clampZoom = (z: number) => Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, z));

export function screenToImage(v: View, sx: number, sy: number): { x: number; y: number } {
  return { x: (sx - v.x) / v.zoom, y: (sy - v.y) / v.zoom };
}

export function imageToScreen(v: View, ix: number, iy: number): { x: number; y: number } {
  return { x: ix * v.zoom + v.x, y: iy * v.zoom + v.y };
}

/** Zooms by `factor` keeping the image point under (sx, sy) fixed on screen. */
export function zoomAt(v: View, factor: number, sx: number, sy: number): View {
  const zoom = clampZoom(v.zoom * factor);
  const k = zoom / v.zoom;
  return { zoom, x: sx - (sx - v.x) * k, y: sy - (sy - v.y) * k };
}

export function panBy(v: View, dx: number, dy: number): View {
  return { zoom: v.zoom, x: v.x + dx, y: v.y + dy };
}

/** The view that shows the whole image centred in the viewport with `margin` px around it, never above 1:1 by default. */
export function fitView(imageW: number, imageH: number, viewW: number, viewH: number, margin = 24, maxZoom = 1): View {
  const zoom = clampZoom(Math.min((viewW - 2 * margin) / imageW, (viewH - 2 * margin) / imageH, maxZoom));
  return { zoom, x: (viewW - imageW * zoom) / 2, y: (viewH - imageH * zoom) / 2 };
}

/** Keeps at least `keep` px of the image on screen, so panning can never lose it entirely. */
export function constrainView(v: View, imageW: number, imageH: number, viewW: number, viewH: number, keep = 48): View {
  const w = imageW * v.zoom;
  const h = imageH * v.zoom;
  const kx = Math.min(keep, w);
  const ky = Math.min(keep, h);
  return { zoom: v.zoom, x: Math.min(viewW - kx, Math.max(kx - w, v.x)), y: Math.min(viewH - ky, Math.max(ky - h, v.y)) };
}

/** The CSS transform that places an image-sized element (transform-origin 0 0) according to the view. */
export const viewTransform = (v: View) => `translate(${v.x}px, ${v.y}px) scale(${v.zoom})`;
