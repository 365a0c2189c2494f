// Cancellation is cooperative: onnxruntime cannot interrupt a running graph, so the pipeline checks the job's
// AbortSignal before every graph call. A cancel therefore lands within one graph call at any stage.

import { EngineError } from './api.js';

export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new EngineError('cancelled', 'cancelled by the user');
}
