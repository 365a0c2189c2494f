import { describe, expect, it } from 'vitest';
import { eulerStep, sampleEuler } from '../../../electron/engine/sampler/euler.js';
import { flowMatchSchedule } from '../../../electron/engine/sampler/schedule.js';

describe('eulerStep', () => {
  it('adds v·(σ_next − σ) in place, in float32', () => {
    const x = new Float32Array([1, -2, 0.5]);
    const v = new Float32Array([2, 4, -1]);
    eulerStep(x, v, 1, 0.75);
    expect([...x]).toEqual([0.5, -3, 0.75]);
  });

  it('with the exact velocity of a straight path lands on the data (flow matching, spec §5.1)', () => {
    // x_σ = (1 − σ)·x0 + σ·ε has constant velocity ε − x0, so Euler is exact on any schedule.
    const x0 = new Float32Array([0.3, -0.7, 1.5, 0]);
    const eps = new Float32Array([1, 0.2, -0.4, -2]);
    const x = eps.slice();
    const v = eps.map((e, i) => e - x0[i]!);
    const { sigmas } = flowMatchSchedule(20, 7);
    for (let i = 0; i < 20; i++) eulerStep(x, v, sigmas[i]!, sigmas[i + 1]!);
    x.forEach((value, i) => expect(value).toBeCloseTo(x0[i]!, 5));
  });

  it('sampleEuler feeds the model σ·1000 and the same latent buffer each step, and reports every step', async () => {
    const latents = new Float32Array([2, -2]);
    const schedule = flowMatchSchedule(4, 3);
    const seen: number[] = [];
    const steps: number[] = [];
    const velocity = new Float32Array(2);
    const out = await sampleEuler(
      async (x, t) => {
        expect(x).toBe(latents);
        seen.push(t);
        velocity.set(x); // v = x: an exponential decay
        return velocity;
      },
      latents,
      schedule,
      (i) => steps.push(i),
    );
    expect(out).toBe(latents);
    expect(seen).toEqual([...schedule.timesteps]);
    expect(steps).toEqual([0, 1, 2, 3]);
    const factor = [...schedule.sigmas].slice(0, 4).reduce((f, s, i) => f * (1 + (schedule.sigmas[i + 1]! - s)), 1);
    expect(latents[0]).toBeCloseTo(2 * factor, 5);
  });

  it('rejects mismatched buffers', () => {
    expect(() => eulerStep(new Float32Array(2), new Float32Array(3), 1, 0)).toThrow(RangeError);
  });
});
