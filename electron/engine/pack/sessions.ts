// Lazy onnxruntime sessions for a pack's graphs. A graph is loaded on first use (a T2V job never needs the VAE
// encoder), its input/output names are checked against PACK_FORMAT.md, and every run is timed so the pipeline's
// records and the bench can tell session.run time from everything around it.

import { InferenceSession, type Tensor } from 'onnxruntime-node';
import { EngineError } from '../api.js';
import { physicalCoreCount, providerCandidates, providerUnavailable, sessionOptions, type ExecutionProvider, type ProviderPreference } from '../providers.js';
import { expectedGraphIO, type GraphKey } from './manifest.js';
import { packFilePath, type Pack } from './load.js';

export type Feeds = Record<string, Tensor>;

export interface GraphRunHook {
  (graph: GraphKey, milliseconds: number): void;
}

export interface Graph {
  readonly key: GraphKey;
  /** Runs the graph; tensors given in `outputs` are filled in place instead of allocating new ones. */
  run(feeds: Feeds, outputs?: Feeds): Promise<Feeds>;
}

export interface SessionOptions {
  provider?: ProviderPreference;
  intraOpThreads?: number;
  onGraphRun?: GraphRunHook;
}

/** Maps onnxruntime's allocation failures to the error the UI can act on ("try a smaller size"). */
export function classifyRunError(graph: GraphKey, error: unknown): EngineError {
  if (error instanceof EngineError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/bad_alloc|Failed to allocate|out of memory|OOM/i.test(message)) {
    return new EngineError('out-of-memory', `${graph}: out of memory (${message.split('\n')[0]}); try a smaller size or fewer frames`);
  }
  return new EngineError('internal', `${graph}: onnxruntime failed: ${message.split('\n')[0]}`);
}

export class PackSessions {
  private readonly sessions = new Map<GraphKey, Promise<InferenceSession>>();
  private readonly threads: number;
  private readonly candidates: ExecutionProvider[];
  private activeProvider: ExecutionProvider | undefined;
  private readonly fallbackNotes: string[] = [];

  constructor(readonly pack: Pack, private readonly options: SessionOptions = {}) {
    this.threads = options.intraOpThreads ?? physicalCoreCount();
    this.candidates = providerCandidates(options.provider ?? 'auto');
  }

  /** What ran the graphs, with the reason for any fallback, e.g. "cpu (cuda unavailable: …)". */
  get providerLabel(): string {
    const provider = this.activeProvider ?? this.candidates[0] ?? 'cpu';
    return this.fallbackNotes.length ? `${provider} (${this.fallbackNotes.join('; ')})` : provider;
  }

  async graph(key: GraphKey): Promise<Graph> {
    let pending = this.sessions.get(key);
    if (!pending) {
      pending = this.createSession(key);
      this.sessions.set(key, pending);
      pending.catch(() => this.sessions.delete(key));
    }
    const session = await pending;
    const onGraphRun = this.options.onGraphRun;
    return {
      key,
      async run(feeds: Feeds, outputs?: Feeds): Promise<Feeds> {
        const start = performance.now();
        try {
          return (await (outputs ? session.run(feeds, outputs) : session.run(feeds))) as Feeds;
        } catch (error) {
          throw classifyRunError(key, error);
        } finally {
          onGraphRun?.(key, performance.now() - start);
        }
      },
    };
  }

  private async createSession(key: GraphKey): Promise<InferenceSession> {
    const file = packFilePath(this.pack, key);
    // Once a provider failed, later graphs go straight to the one that worked.
    const candidates = this.activeProvider ? [this.activeProvider] : this.candidates;
    let session: InferenceSession | undefined;
    for (const provider of candidates) {
      const missing = providerUnavailable(provider);
      if (missing) {
        this.fallbackNotes.push(`${provider} unavailable: ${missing}`);
        continue;
      }
      try {
        session = await InferenceSession.create(file, sessionOptions(provider, this.threads));
        this.activeProvider = provider;
        break;
      } catch (error) {
        const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
        if (provider === 'cpu') throw new EngineError('pack-graph', `${file}: onnxruntime cannot load this graph: ${reason}`);
        this.fallbackNotes.push(`${provider} unavailable: ${reason}`);
      }
    }
    if (!session) throw new EngineError('provider', `${file}: no execution provider could load this graph`);
    this.checkGraphIO(key, file, session);
    return session;
  }

  private checkGraphIO(key: GraphKey, file: string, session: InferenceSession): void {
    const expected = expectedGraphIO(key, this.pack.manifest);
    const problems: string[] = [];
    for (const [kind, want, have] of [
      ['input', expected.inputs, session.inputNames],
      ['output', expected.outputs, session.outputNames],
    ] as const) {
      const missing = want.filter((n) => !have.includes(n));
      const unexpected = have.filter((n) => !want.includes(n));
      if (missing.length) problems.push(`missing ${kind}${missing.length > 1 ? 's' : ''} ${missing.map((n) => `"${n}"`).join(', ')}`);
      if (unexpected.length) problems.push(`unexpected ${kind}${unexpected.length > 1 ? 's' : ''} ${unexpected.map((n) => `"${n}"`).join(', ')}`);
    }
    if (problems.length) {
      void session.release();
      throw new EngineError('pack-graph', `${file}: ${problems.join(', ')} (PACK_FORMAT.md expects ${expected.inputs.join(', ')} → ${expected.outputs.join(', ')})`);
    }
  }

  async dispose(): Promise<void> {
    const pending = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(pending.map((p) => p.then((s) => s.release(), () => undefined)));
  }
}
