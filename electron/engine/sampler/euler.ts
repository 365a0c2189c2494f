// First-order Euler sampling of the probability-flow ODE (spec §5.3): x_{i+1} = x_i + v_i · (σ_{i+1} − σ_i).
// The velocity is v = ε − x_data (spec §5.1), so with dt < 0 the latents walk from noise toward data. Latents stay
// float32 between steps, as in the reference (the scheduler upcasts; spec §3.14). Written after k-diffusion's
// sample_euler: the sampler knows the schedule and the update, nothing of the model behind `model`.

import type { FlowMatchSchedule } from './schedule.js';

/**
 * The velocity at `timestep` (σ × 1000) for the current `latents`. The sampler always passes the same buffer (it
 * updates it in place), so a model may bind its input tensor to that buffer once.
 */
export type VelocityModel = (latents: Float32Array, timestep: number) => Promise<Float32Array>;

/** Updates `latents` in place: it is the very buffer the next DiT call reads, so no copy is made per step. */
export function eulerStep(latents: Float32Array, velocity: Float32Array, sigma: number, sigmaNext: number): void {
  if (latents.length !== velocity.length) {
    throw new RangeError(`latents (${latents.length}) and velocity (${velocity.length}) differ in size`);
  }
  // Rounding v·dt to float32 before the add repeats torch's two float32 ops exactly (both operands are float32).
  const dt = Math.fround(sigmaNext - sigma);
  for (let i = 0; i < latents.length; i++) latents[i] = latents[i]! + Math.fround(velocity[i]! * dt);
}

/** Integrates from σ = 1 to 0 over the schedule; `onStep(i)` runs after step i (0-based) has updated the latents. */
export async function sampleEuler(
  model: VelocityModel,
  latents: Float32Array,
  { sigmas, timesteps }: FlowMatchSchedule,
  onStep?: (step: number) => void,
): Promise<Float32Array> {
  for (let i = 0; i < timesteps.length; i++) {
    const velocity = await model(latents, timesteps[i]!);
    eulerStep(latents, velocity, sigmas[i]!, sigmas[i + 1]!);
    onStep?.(i);
  }
  return latents;
}
