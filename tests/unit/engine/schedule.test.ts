import { describe, expect, it } from 'vitest';
import { flowMatchSchedule, shiftSigma } from '../../../electron/engine/sampler/schedule.js';

// Expected values: spec §5.2 (computed from HV's set_timesteps with --flow-reverse).
describe('flowMatchSchedule', () => {
  it('N=50, shift 7 starts 1000.000, 997.093, 994.083, 990.964, 987.730 and ends 308.824, 225.806, 125.000', () => {
    const { timesteps, sigmas } = flowMatchSchedule(50, 7);
    expect(timesteps).toHaveLength(50);
    expect(sigmas).toHaveLength(51);
    [1000.0, 997.093, 994.083, 990.964, 987.73].forEach((t, i) => expect(timesteps[i]).toBeCloseTo(t, 3));
    [308.824, 225.806, 125.0].forEach((t, i) => expect(timesteps[47 + i]).toBeCloseTo(t, 3));
    expect(sigmas[50]).toBe(0);
  });

  it('N=30, shift 7 ends 333.333, 194.444', () => {
    const { timesteps } = flowMatchSchedule(30, 7);
    expect(timesteps[28]).toBeCloseTo(333.333, 3);
    expect(timesteps[29]).toBeCloseTo(194.444, 3);
  });

  it('N=20, shift 17 ends 653.846, 472.222', () => {
    const { timesteps } = flowMatchSchedule(20, 17);
    expect(timesteps[18]).toBeCloseTo(653.846, 3);
    expect(timesteps[19]).toBeCloseTo(472.222, 3);
  });

  it('is monotonically decreasing from 1 to 0, and shift 1 is the plain linspace', () => {
    const { sigmas } = flowMatchSchedule(10, 1);
    sigmas.forEach((s, i) => expect(s).toBeCloseTo(1 - i / 10, 6));
    const shifted = flowMatchSchedule(13, 5).sigmas;
    for (let i = 1; i < shifted.length; i++) expect(shifted[i]!).toBeLessThan(shifted[i - 1]!);
    expect(shifted[0]).toBe(1);
  });

  it('timesteps are sigma × 1000, unrounded', () => {
    const { sigmas, timesteps } = flowMatchSchedule(7, 3);
    timesteps.forEach((t, i) => expect(t).toBeCloseTo(sigmas[i]! * 1000, 3));
    expect(Number.isInteger(timesteps[1])).toBe(false);
  });

  it('rejects bad arguments', () => {
    expect(() => flowMatchSchedule(0, 7)).toThrow(RangeError);
    expect(() => flowMatchSchedule(2.5, 7)).toThrow(RangeError);
    expect(() => flowMatchSchedule(10, 0)).toThrow(RangeError);
  });

  it('shiftSigma keeps the ends fixed', () => {
    expect(shiftSigma(0, 7)).toBe(0);
    expect(shiftSigma(1, 7)).toBe(1);
    expect(shiftSigma(0.5, 7)).toBeCloseTo(0.875, 12);
  });
});
