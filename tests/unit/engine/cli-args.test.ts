import { describe, expect, it } from 'vitest';
import { parseGenerateArgs, UsageError } from '../../../electron/cli/args.js';
import { exitCodeFor } from '../../../electron/cli/generate.js';

describe('generate CLI flags', () => {
  it('parses every flag', () => {
    expect(
      parseGenerateArgs(['--prompt', 'a cat', '--camera', 'pan-left', '--seed', '7', '--frames', '17', '--size', '64x48', '--steps', '12',
        '--shift', '7', '--guidance', '6', '--cfg', '2', '--negative', 'blur', '--fps', '24', '--out', 'c.mp4', '--json', '--pack', 'p', '--provider', 'auto']),
    ).toEqual({
      prompt: 'a cat', camera: 'pan-left', seed: 7, frames: 17, width: 64, height: 48, steps: 12, shift: 7, guidance: 6, cfgScale: 2,
      negativePrompt: 'blur', fps: 24, out: 'c.mp4', json: true, pack: 'p', provider: 'auto', help: false,
    });
  });

  it('leaves unset values to the pack defaults', () => {
    const options = parseGenerateArgs(['--prompt', 'a cat']);
    expect(options).toMatchObject({ prompt: 'a cat', json: false, provider: 'auto' });
    expect(options.seed).toBeUndefined();
    expect(options.frames).toBeUndefined();
  });

  it.each([
    [[], /--prompt is required/],
    [['--prompt', 'x', '--bogus'], /Unknown option '--bogus'/],
    [['--prompt', 'x', 'stray'], /positional/i],
    [['--prompt', 'x', '--seed', 'abc'], /--seed expects a number, got "abc"/],
    [['--prompt', 'x', '--seed=-1'], /--seed must be ≥ 0/],
    [['--prompt', 'x', '--seed', '1.5'], /--seed expects an integer/],
    [['--prompt', 'x', '--frames', ''], /--frames expects a number/],
    [['--prompt', 'x', '--size', '64'], /--size expects WIDTHxHEIGHT/],
    [['--prompt', 'x', '--camera', 'dolly'], /--camera "dolly" is not a camera move/],
    [['--prompt', 'x', '--cfg', '0.5'], /--cfg must be ≥ 1/],
    [['--prompt', 'x', '--negative', 'blur'], /--negative only takes effect with --cfg > 1/],
    [['--prompt', 'x', '--provider', 'tpu'], /--provider expects cpu, auto, cuda or dml/],
  ])('%j is a usage error', (argv, message) => {
    expect(() => parseGenerateArgs(argv)).toThrow(UsageError);
    expect(() => parseGenerateArgs(argv)).toThrow(message);
  });

  it('--help needs nothing else', () => {
    expect(parseGenerateArgs(['--help']).help).toBe(true);
  });

  it('maps engine errors to exit codes', () => {
    expect(exitCodeFor('bad-request')).toBe(2);
    expect(exitCodeFor('pack-checksum')).toBe(3);
    expect(exitCodeFor('pack-version')).toBe(3);
    expect(exitCodeFor('cancelled')).toBe(130);
    expect(exitCodeFor('disk-full')).toBe(5);
    expect(exitCodeFor('internal')).toBe(1);
  });
});
