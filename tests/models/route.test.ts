// The routing rule (route.ts): mode × omni checkpoint × mask × ControlNet → which pipeline runs and what is
// reported with the image (ranMode, controlPath).
import { describe, expect, it } from 'vitest';
import type { PipelineMode } from '../../src/models/zimage/request.ts';
import { type ControlCaps, modeRoute, type Route, routeRequest, type RouteRequest, takesControl } from '../../src/models/zimage/route.ts';

const mask = { width: 256, height: 256, data: new Uint8Array(256 * 256) };
const hintImage = { width: 256, height: 256, data: new Uint8Array(256 * 256 * 4) };
type Hints = 'none' | 'image' | 'image+inpaint' | 'inpaint only';
const control = (h: Hints): RouteRequest['control'] =>
  h === 'none' ? undefined : { image: h === 'inpaint only' ? null : hintImage, inpaint: h !== 'image' };
const req = (mode: PipelineMode, masked: boolean, hints: Hints): RouteRequest => ({ mode, mask: masked ? mask : undefined, control: control(hints) });
const route = (pipeline: Route['pipeline'], ranMode: PipelineMode, controlPath: Route['controlPath']): Route => ({ pipeline, ranMode, controlPath });

const FULL: ControlCaps = { inpaint: true }; // a 33-channel ControlNet (Union 2.1)
const HINTS_ONLY: ControlCaps = { inpaint: false }; // a 16-channel one

describe('routeRequest', () => {
  // [mode, omni checkpoint, mask, hints asked, ControlNet loaded] → route
  const table: [PipelineMode, boolean, boolean, Hints, ControlCaps | null, Route][] = [
    ['text-to-image', false, false, 'none', null, route('text-to-image', 'text-to-image', 'none')],
    ['text-to-image', true, false, 'none', null, route('text-to-image', 'text-to-image', 'none')],
    ['text-to-image', false, true, 'none', null, route('text-to-image', 'text-to-image', 'none')], // a stray mask is ignored
    ['text-to-image', false, false, 'image', FULL, route('text-to-image', 'text-to-image', 'control')],
    ['text-to-image', true, false, 'image', FULL, route('text-to-image', 'text-to-image', 'control')],
    ['text-to-image', false, false, 'inpaint only', FULL, route('text-to-image', 'text-to-image', 'none')],
    ['text-to-image', false, false, 'image', null, route('text-to-image', 'text-to-image', 'none')], // none stored
    ['image-to-image', false, false, 'none', null, route('image-to-image', 'image-to-image', 'none')],
    ['image-to-image', false, true, 'image+inpaint', FULL, route('image-to-image', 'image-to-image', 'control')],
    ['inpaint', false, true, 'none', null, route('inpaint', 'inpaint', 'none')],
    ['inpaint', false, true, 'image+inpaint', FULL, route('control-inpaint', 'inpaint', 'control-inpaint')],
    ['inpaint', false, true, 'inpaint only', FULL, route('control-inpaint', 'inpaint', 'control-inpaint')],
    ['inpaint', false, true, 'image', FULL, route('inpaint', 'inpaint', 'control')], // the switch keeps the plain path
    ['inpaint', false, true, 'image+inpaint', HINTS_ONLY, route('inpaint', 'inpaint', 'control')],
    ['inpaint', false, true, 'inpaint only', HINTS_ONLY, route('inpaint', 'inpaint', 'none')],
    ['inpaint', true, true, 'image+inpaint', FULL, route('control-inpaint', 'inpaint', 'control-inpaint')],
    ['edit', true, false, 'none', null, route('omni-edit', 'edit', 'none')],
    ['edit', true, true, 'none', null, route('omni-edit', 'edit', 'none')],
    ['edit', true, true, 'image+inpaint', FULL, route('omni-edit', 'edit', 'none')], // no hints for the omni edit
    ['edit', false, true, 'none', null, route('inpaint', 'inpaint', 'none')],
    ['edit', false, true, 'image+inpaint', FULL, route('control-inpaint', 'inpaint', 'control-inpaint')],
    ['edit', false, true, 'image', FULL, route('inpaint', 'inpaint', 'control')],
    ['edit', false, false, 'none', null, route('image-to-image', 'image-to-image', 'none')],
    ['edit', false, false, 'image+inpaint', FULL, route('image-to-image', 'image-to-image', 'control')],
  ];
  it.each(table)('%s, omni %s, mask %s, hints %s, ControlNet %o', (mode, omni, masked, hints, caps, want) => {
    expect(routeRequest(req(mode, masked, hints), { omni, controlNet: caps })).toEqual(want);
  });

  it('the checkpoint half alone decides the conditioning and whether a ControlNet is loaded; the ControlNet only refines inpaint', () => {
    for (const [mode, omni, masked, hints, caps] of table) {
      const r = req(mode, masked, hints);
      const byMode = modeRoute(r, omni);
      const full = routeRequest(r, { omni, controlNet: caps });
      expect(byMode.controlPath).toBe('none');
      expect(full.ranMode).toBe(byMode.ranMode);
      expect(full.pipeline === byMode.pipeline || (byMode.pipeline === 'inpaint' && full.pipeline === 'control-inpaint')).toBe(true);
      expect(full.pipeline === 'omni-edit').toBe(byMode.pipeline === 'omni-edit');
      if (!takesControl(byMode.pipeline)) expect(full.controlPath).toBe('none');
    }
  });
});
