// The two kinds of guidance HunyuanVideo knows (spec §5.5).

/**
 * Embedded (distilled) guidance: the scale enters the DiT as an input, multiplied by 1000 (spec §3.3). HV rounds the
 * product through bf16 (6.0 → 6016); our packs run float32 end to end, so the value is fed unrounded (PACK_FORMAT.md).
 */
export function embeddedGuidanceInput(scale: number): number {
  return Math.fround(scale * 1000);
}

/** True classifier-free guidance runs only when the scale exceeds 1; at 1 the negative prompt is never encoded. */
export function usesTrueCfg(cfgScale: number): boolean {
  return cfgScale > 1;
}

/**
 * v = v_u + cfg·(v_c − v_u), written into `uncond` (its buffer is free once combined), so the step allocates nothing.
 * Two batch-1 calls instead of one batch-2 call keep the graphs batch-1 and memory flat (spec §5.5, diffusers' true_cfg).
 */
export function combineTrueCfg(uncond: Float32Array, cond: Float32Array, cfgScale: number): Float32Array {
  if (uncond.length !== cond.length) throw new RangeError('conditional and unconditional velocities differ in size');
  for (let i = 0; i < uncond.length; i++) {
    const u = uncond[i]!;
    uncond[i] = u + cfgScale * (cond[i]! - u);
  }
  return uncond;
}
