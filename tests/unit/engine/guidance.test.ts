import { describe, expect, it } from 'vitest';
import { combineTrueCfg, embeddedGuidanceInput, usesTrueCfg } from '../../../electron/engine/sampler/guidance.js';

describe('guidance', () => {
  it('embedded guidance enters the DiT ×1000, float32, not bf16-rounded (PACK_FORMAT.md)', () => {
    expect(embeddedGuidanceInput(6)).toBe(6000);
    expect(embeddedGuidanceInput(4)).toBe(4000);
    expect(embeddedGuidanceInput(3.3)).toBe(Math.fround(3300));
  });

  it('true CFG only above 1 (spec §5.5)', () => {
    expect(usesTrueCfg(1)).toBe(false);
    expect(usesTrueCfg(1.0001)).toBe(true);
  });

  it('v = v_u + cfg·(v_c − v_u), written into the unconditional buffer', () => {
    const u = new Float32Array([1, 2, -1]);
    const c = new Float32Array([3, 2, 1]);
    const out = combineTrueCfg(u, c, 2.5);
    expect(out).toBe(u);
    expect([...out]).toEqual([6, 2, 4]);
    expect([...combineTrueCfg(new Float32Array([1, 2]), new Float32Array([5, 7]), 1)]).toEqual([5, 7]);
  });
});
