// Draws the app icons (192, 512 and a maskable 512 with a safe zone) into public/icons/ as PNG: a dark rounded
// tile with a gradient "Z". Run once when the design changes; the PNGs are committed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { encodePng } from '../src/lib/png.ts';

function draw(size: number, maskable: boolean): Uint8Array {
  const px = new Uint8Array(size * size * 4);
  const inset = maskable ? 0.2 : 0.08; // maskable icons keep the glyph inside the 80% safe zone
  const r = maskable ? 0 : size * 0.2;
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      const dx = Math.max(r - x, x - (size - 1 - r), 0);
      const dy = Math.max(r - y, y - (size - 1 - r), 0);
      if (dx * dx + dy * dy > r * r) continue; // outside the rounded tile: transparent
      px.set([20, 22, 28, 255], i);
      const u = (x / size - inset) / (1 - 2 * inset);
      const v = (y / size - inset) / (1 - 2 * inset);
      const t = 0.14; // stroke thickness
      const inZ = u >= 0 && u <= 1 && v >= 0 && v <= 1 && (v < t || v > 1 - t || Math.abs(u + v - 1) < t * 0.75);
      if (inZ) px.set([Math.round(122 + 100 * u), Math.round(162 - 60 * v), 255, 255], i);
    }
  return px;
}

const dir = resolve(import.meta.dirname, '../public/icons');
mkdirSync(dir, { recursive: true });
const png = (size: number, maskable: boolean) => encodePng({ width: size, height: size, data: draw(size, maskable) });
writeFileSync(resolve(dir, 'icon-192.png'), await png(192, false));
writeFileSync(resolve(dir, 'icon-512.png'), await png(512, false));
writeFileSync(resolve(dir, 'maskable-512.png'), await png(512, true));
console.log(`icons written to ${dir}`);
