// First-order Euler step of the probability-flow ODE (spec §5.3): x_{i+1} = x_i + v_i · (σ_{i+1} − σ_i).
// The velocity is v = ε − x_data (spec §5.1), so with dt < 0 the latents walk from noise toward data.
// Latents stay float32 between steps, as in the reference (the scheduler upcasts; spec §3.14).

/** Updates `latents` in place: it is the very buffer the next DiT call reads, so no copy is made per step. */
export function eulerStep(latents: Float32Array, velocity: Float32Array, sigma: number, sigmaNext: number): void {
  if (latents.length !== velocity.length) {
    throw new RangeError(`latents (${latents.length}) and velocity (${velocity.length}) differ in size`);
  }
  // Rounding v·dt to float32 before the add repeats torch's two float32 ops exactly (both operands are float32).
  const dt = Math.fround(sigmaNext - sigma);
  for (let i = 0; i < latents.length; i++) latents[i] = latents[i]! + Math.fround(velocity[i]! * dt);
}
