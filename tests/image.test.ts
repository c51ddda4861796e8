import { describe, expect, it } from 'vitest';
import { fitWithin, resizeRgba } from '../src/lib/image.ts';
import { modelSize } from '../src/store/imaging.ts';

describe('image resampling', () => {
  it('keeps an image at its own size unchanged', () => {
    const data = new Uint8Array(5 * 3 * 4).map((_, i) => (i * 37) & 0xff);
    expect(Array.from(resizeRgba({ width: 5, height: 3, data }, 5, 3).data)).toEqual(Array.from(data));
  });
  it('halving averages 2x2 blocks', () => {
    const data = new Uint8Array(4 * 2 * 4);
    for (let p = 0; p < 8; p++) data.set([p * 10, 0, 0, 255], p * 4);
    const out = resizeRgba({ width: 4, height: 2, data }, 2, 1);
    // pixels 0,1,4,5 -> (0+10+40+50)/4 = 25; pixels 2,3,6,7 -> (20+30+60+70)/4 = 45
    expect(Array.from(out.data)).toEqual([25, 0, 0, 255, 45, 0, 0, 255]);
  });
  it('fits within a side without upscaling', () => {
    expect(fitWithin(2048, 1024, 256)).toEqual({ width: 256, height: 128 });
    expect(fitWithin(100, 50, 256)).toEqual({ width: 100, height: 50 });
  });
  it('gives sizes the model accepts, keeping the aspect as far as it can', () => {
    expect(modelSize(1024, 768)).toEqual({ width: 1024, height: 768 });
    expect(modelSize(1000, 750)).toEqual({ width: 1008, height: 752 });
    expect(modelSize(4000, 3000)).toEqual({ width: 2048, height: 1536 });
    expect(modelSize(100, 50)).toEqual({ width: 512, height: 256 });
    expect(modelSize(5000, 100)).toEqual({ width: 2048, height: 256 }); // extreme ratios clamp
  });
});
