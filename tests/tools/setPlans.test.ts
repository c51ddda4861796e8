// The committed src/library/setPlans.json is what tools/setPlans.ts computes now (run `npm run plan:catalog`).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import catalog from '../../src/library/catalog.json' with { type: 'json' };
import { computeSetPlans, SET_PLANS_JSON, setPlansText } from '../../tools/setPlans.ts';

describe('setPlans.json', () => {
  it('equals what the planner computes from the manifests now (never stale)', async () => {
    const now = setPlansText(await computeSetPlans());
    expect(readFileSync(SET_PLANS_JSON, 'utf8'), 'src/library/setPlans.json is stale: run npm run plan:catalog').toBe(now);
  });

  it('covers every downloadable catalog set, with peaks that grow with the size and low-memory below fast', async () => {
    const p = await computeSetPlans();
    for (const s of catalog.sets.filter((x) => x.source === 'download')) {
      const plan = p.sets[s.id];
      expect(plan, s.id).toBeDefined();
      expect(plan.sizes.map((x) => x.size)).toEqual(p.sizes);
      plan.sizes.forEach((x, i) => {
        expect(x.lowMemory).toBeLessThan(x.fast);
        if (i) expect(x.fast).toBeGreaterThanOrEqual(plan.sizes[i - 1].fast);
      });
    }
  });
});
