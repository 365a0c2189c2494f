// One DiT evaluation per call: velocity = DiT(latents, t, text, pooled, guidance, rope) (spec §3.2, PACK_FORMAT.md).
// Everything that does not change during a job is wrapped in onnxruntime tensors once: the latents tensor views the
// very buffer the Euler step updates in place, the timestep is a one-element buffer rewritten per call, and the
// velocity is written into a preallocated output. A step thus allocates nothing on the JavaScript side.

import { Tensor } from 'onnxruntime-node';
import type { Graph, Feeds } from '../pack/sessions.js';
import type { TextConditioning } from '../text/encode.js';
import type { RopeTables } from './rope.js';

export type LatentShape = readonly [channels: number, frames: number, height: number, width: number];

export interface TextFeeds {
  text_states: Tensor;
  text_states_2: Tensor;
}

export function textFeeds(text: TextConditioning): TextFeeds {
  return {
    text_states: new Tensor('float32', text.states, [1, text.tokens, text.dim]),
    text_states_2: new Tensor('float32', text.pooled, [1, text.pooledDim]),
  };
}

export class Transformer {
  private readonly timestep = new Float32Array(1);
  private readonly shared: Feeds;
  /** Complete feeds per text conditioning and outputs per velocity buffer, built on first use. */
  private readonly feeds = new Map<TextFeeds, Feeds>();
  private readonly outputs = new Map<Float32Array, Feeds>();
  private readonly dims: number[];

  /**
   * @param latents the job's latent buffer, [C, T, H, W]; read by every call, updated in place between calls.
   * @param guidance the embedded-guidance input (scale × 1000), or null when the pack's DiT has no guidance input.
   */
  constructor(private readonly graph: Graph, latents: Float32Array, shape: LatentShape, rope: RopeTables, guidance: number | null) {
    this.dims = [1, ...shape];
    this.shared = {
      latents: new Tensor('float32', latents, this.dims),
      timestep: new Tensor('float32', this.timestep, [1]),
      freqs_cos: new Tensor('float32', rope.cos, [rope.tokens, rope.headDim]),
      freqs_sin: new Tensor('float32', rope.sin, [rope.tokens, rope.headDim]),
      ...(guidance === null ? {} : { guidance: new Tensor('float32', new Float32Array([guidance]), [1]) }),
    };
  }

  /** Writes the velocity for the current latents at `timestep` (σ × 1000) into `out` and returns it. */
  async velocity(timestep: number, text: TextFeeds, out: Float32Array): Promise<Float32Array> {
    this.timestep[0] = timestep;
    let feeds = this.feeds.get(text);
    if (!feeds) {
      feeds = { ...this.shared, ...text };
      this.feeds.set(text, feeds);
    }
    let outputs = this.outputs.get(out);
    if (!outputs) {
      outputs = { velocity: new Tensor('float32', out, this.dims) };
      this.outputs.set(out, outputs);
    }
    await this.graph.run(feeds, outputs);
    return out;
  }
}
