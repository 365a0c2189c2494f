// Prompt → the DiT's text conditioning (spec §2): the MLLM's hidden states after the template crop, and CLIP's
// pooled vector. Batch 1 needs no padding: the LLM is causal, so running it on the exact sequence gives the valid
// positions' states unchanged, and the DiT gets valid tokens only (spec §2.4, §3.9).

import { Tensor } from 'onnxruntime-node';
import { EngineError } from '../api.js';
import { throwIfCancelled } from '../cancel.js';
import type { Graph } from '../pack/sessions.js';
import type { PromptTokenizers } from './tokenize.js';

export interface TextConditioning {
  /** [tokens, dim], the LLM residual stream `skip_layers` before its end, template positions cropped. */
  states: Float32Array;
  tokens: number;
  dim: number;
  /** [pooledDim], CLIP's final-LayerNorm state at the first EOS. */
  pooled: Float32Array;
  pooledDim: number;
}

export class PromptEncoder {
  constructor(
    private readonly tokenizers: PromptTokenizers,
    private readonly llm: Graph,
    private readonly clip: Graph,
    private readonly dims: { text: number; pooled: number },
  ) {}

  async encode(prompt: string, frames: number, signal?: AbortSignal): Promise<TextConditioning> {
    const llmTokens = this.tokenizers.llmTokens(prompt, frames);
    throwIfCancelled(signal);
    const llmOut = await this.llm.run({ input_ids: new Tensor('int64', llmTokens.ids, [1, llmTokens.ids.length]) });
    const hidden = expectFloat32(llmOut.hidden_states, 'text_llm', 'hidden_states', [1, llmTokens.ids.length, this.dims.text]);
    const { cropStart, keptTokens } = llmTokens;
    const states = hidden.slice(cropStart * this.dims.text, (cropStart + keptTokens) * this.dims.text);

    throwIfCancelled(signal);
    const clipIds = this.tokenizers.clipTokens(prompt);
    const clipOut = await this.clip.run({ input_ids: new Tensor('int64', clipIds, [1, clipIds.length]) });
    const pooled = expectFloat32(clipOut.pooled, 'text_clip', 'pooled', [1, this.dims.pooled]).slice();

    return { states, tokens: keptTokens, dim: this.dims.text, pooled, pooledDim: this.dims.pooled };
  }
}

/** A graph output with the dtype and shape PACK_FORMAT.md promises, or a pack-graph error naming what differs. */
export function expectFloat32(value: Tensor | undefined, graph: string, name: string, shape: readonly number[]): Float32Array {
  if (!value) throw new EngineError('pack-graph', `${graph}: produced no "${name}" output`);
  const same = value.dims.length === shape.length && value.dims.every((d, i) => d === shape[i]);
  if (value.type !== 'float32' || !same) {
    throw new EngineError('pack-graph', `${graph}: output "${name}" is ${value.type} [${value.dims.join(', ')}], expected float32 [${shape.join(', ')}]`);
  }
  return value.data as Float32Array;
}
