// Flow-matching sigma schedule with the SD3-style shift (spec §5.2, HV `FlowMatchDiscreteScheduler.set_timesteps`
// with --flow-reverse): sigma runs 1 → 0, sigma = 1 is pure noise, and the DiT is fed t = sigma × 1000.

export interface FlowMatchSchedule {
  /** steps + 1 values, 1 → 0; the last one is always exactly 0. float32, as the reference keeps them. */
  sigmas: Float32Array;
  /** steps values: sigmas[i] × 1000, the DiT's `timestep` input (not rounded: spec §3.3). */
  timesteps: Float32Array;
}

/** s·σ / (1 + (s − 1)·σ): spends more of the steps at high noise as s grows (spec §5.4: 7 for 50 steps, 17 below 20). */
export function shiftSigma(sigma: number, shift: number): number {
  return (shift * sigma) / (1 + (shift - 1) * sigma);
}

export function flowMatchSchedule(steps: number, shift: number): FlowMatchSchedule {
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`steps must be a positive integer, got ${steps}`);
  if (!(shift > 0)) throw new RangeError(`shift must be > 0, got ${shift}`);
  const sigmas = new Float32Array(steps + 1);
  const timesteps = new Float32Array(steps);
  for (let i = 0; i <= steps; i++) {
    // linspace(1, 0, N+1) the way torch computes it: start + i·step, then the last point pinned to the end.
    const sigma = i === steps ? 0 : 1 - i / steps;
    sigmas[i] = shiftSigma(sigma, shift);
  }
  for (let i = 0; i < steps; i++) timesteps[i] = sigmas[i]! * 1000;
  return { sigmas, timesteps };
}
