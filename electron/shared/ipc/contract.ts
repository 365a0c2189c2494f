// The one contract between the renderer and the host (Electron main process or the web-mode server).
// Every request the renderer may make and every event it may receive is listed here, with zod schemas for both
// directions. Both sides import this file: the host validates before any handler runs, the renderer's client is
// typed from it. Plain data only (no Electron, React or Node types), so it travels over Electron IPC and a
// WebSocket alike.
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------------------------
// Domain shapes (mirror electron/engine/api.ts; the type tests in tests/unit/ipc keep the two in step)

export const cameraMoveIds = [
  'static', 'handheld', 'zoom-in', 'zoom-out',
  'pan-left', 'pan-right', 'pan-up', 'pan-down',
  'tilt-left', 'tilt-right', 'tilt-up', 'tilt-down',
  'around-left', 'around-right',
] as const;
export const CameraMove = z.enum(cameraMoveIds);

const Text = (max: number) => z.string().max(max);
/** Binary data (preview frames, a dropped file). Structured clone and the wire codec both carry Uint8Array. */
const Bytes = z.custom<Uint8Array>((value) => value instanceof Uint8Array, 'expected binary data');
const Id = z.string().min(1).max(128).regex(/^[A-Za-z0-9._-]+$/);

/** What a user asks for. Unset numbers take the pack's defaults. Bounds are generous sanity limits; the engine
 *  checks them against the pack. */
export const GenerationRequestSchema = z.strictObject({
  prompt: Text(8000).refine((s) => s.trim().length > 0, 'the prompt is empty'),
  negativePrompt: Text(8000).optional(),
  packId: Id.optional(),
  seed: z.int().min(0).max(0xffff_ffff),
  width: z.int().min(8).max(4096).optional(),
  height: z.int().min(8).max(4096).optional(),
  frames: z.int().min(1).max(1024).optional(),
  steps: z.int().min(1).max(500).optional(),
  shift: z.number().min(0).max(100).optional(),
  guidance: z.number().min(0).max(100).optional(),
  cfgScale: z.number().min(0).max(100).optional(),
  fps: z.int().min(1).max(240).optional(),
  caption: z.strictObject({
    fields: z.record(z.string().min(1).max(64), Text(8000)),
    camera: CameraMove.optional(),
  }).optional(),
});
export type GenerationRequestWire = z.infer<typeof GenerationRequestSchema>;

export const GenerationRecordSchema = z.object({
  prompt: z.string(),
  negativePrompt: z.string(),
  caption: z.object({ fields: z.record(z.string(), z.string()), camera: CameraMove.optional() }).optional(),
  seed: z.number(),
  steps: z.number(),
  shift: z.number(),
  guidance: z.number(),
  cfgScale: z.number(),
  width: z.number(),
  height: z.number(),
  frames: z.number(),
  fps: z.number(),
  pack: z.object({ id: z.string(), version: z.string(), sha256: z.string() }),
  provider: z.string(),
  timings: z.object({ textMs: z.number(), denoiseMs: z.number(), decodeMs: z.number(), totalMs: z.number() }),
  noise: z.object({ prng: z.string(), seed: z.number() }),
});

export const PackSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  version: z.string(),
  dir: z.string(),
  defaults: z.object({
    width: z.number(), height: z.number(), frames: z.number(), steps: z.number(),
    shift: z.number(), guidance: z.number(), fps: z.number(), cfgScale: z.number(),
  }),
  sizes: z.array(z.object({ width: z.number(), height: z.number() })),
  frameCounts: z.array(z.number()),
  guidanceEmbed: z.boolean(),
});

export const JobStage = z.enum(['loading', 'text', 'denoise', 'decode', 'encode']);
export const JobStatus = z.enum(['queued', 'running', 'done', 'failed', 'cancelled']);
export const EngineErrorCode = z.enum([
  'pack-missing-file', 'pack-checksum', 'pack-manifest', 'pack-graph', 'pack-version',
  'bad-request', 'provider', 'out-of-memory', 'engine-crashed', 'cancelled', 'disk-full', 'internal',
]);

const Progress = z.object({ step: z.number(), total: z.number(), elapsedMs: z.number(), etaMs: z.number() });

/** A finished clip as the renderer sees it: a URL the host serves (never a file path to build on). */
export const ClipInfoSchema = z.object({
  fileName: z.string(),
  /** null when the clip lies outside the open project, so it cannot be served. */
  url: z.string().nullable(),
  record: GenerationRecordSchema,
});

export const JobSummarySchema = z.object({
  id: z.string(),
  status: JobStatus,
  request: GenerationRequestSchema,
  createdAt: z.number(),
  startedAt: z.number().optional(),
  finishedAt: z.number().optional(),
  stage: JobStage.optional(),
  progress: Progress.optional(),
  error: z.object({ code: EngineErrorCode, message: z.string() }).optional(),
  clip: ClipInfoSchema.optional(),
});

export const QueueStateSchema = z.object({ paused: z.boolean(), jobs: z.array(JobSummarySchema) });

export const EngineStatusSchema = z.object({
  state: z.enum(['stopped', 'starting', 'ready', 'busy', 'restarting', 'crashed']),
  restarts: z.number(),
  message: z.string().optional(),
});

export const ProjectInfoSchema = z.object({
  name: z.string(),
  /** The .hyvproj file, when the project has been saved as one. */
  file: z.string().nullable(),
  dir: z.string(),
});

export const RecentProjectSchema = z.object({ file: z.string(), name: z.string(), openedAt: z.number() });

export const AppInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  mode: z.enum(['electron', 'web']),
  platform: z.string(),
  capabilities: z.object({ nativeDialogs: z.boolean(), nativeDrag: z.boolean() }),
});

export const MenuCommand = z.enum(['generate', 'new-seed', 'open-project', 'save-project-as', 'toggle-queue-pause', 'focus-prompt']);

// ---------------------------------------------------------------------------------------------------------------
// Requests: channel -> { request, response }

const Empty = z.strictObject({});
const JobRef = z.strictObject({ jobId: Id });

export const requests = {
  'app.info': { request: Empty, response: AppInfoSchema },
  'packs.list': { request: Empty, response: z.array(PackSummarySchema) },
  'engine.status': { request: Empty, response: EngineStatusSchema },
  'jobs.submit': { request: z.strictObject({ request: GenerationRequestSchema }), response: z.object({ jobId: z.string() }) },
  'jobs.cancel': { request: JobRef, response: z.object({ cancelled: z.boolean() }) },
  'jobs.remove': { request: JobRef, response: z.object({ removed: z.boolean() }) },
  'queue.get': { request: Empty, response: QueueStateSchema },
  'queue.pause': { request: Empty, response: QueueStateSchema },
  'queue.resume': { request: Empty, response: QueueStateSchema },
  'project.current': { request: Empty, response: ProjectInfoSchema },
  'project.recent': { request: Empty, response: z.array(RecentProjectSchema) },
  /** Shows the native open dialog; null when the user cancels. */
  'project.open': { request: Empty, response: ProjectInfoSchema.nullable() },
  /** Opens an entry of the recent list (only those: the renderer never names arbitrary files). */
  'project.openRecent': { request: z.strictObject({ file: z.string().min(1).max(4096) }), response: ProjectInfoSchema },
  /** Shows the native save dialog and writes the project file; null when the user cancels. */
  'project.saveAs': { request: Empty, response: ProjectInfoSchema.nullable() },
  /** Starts a native drag of a finished clip's MP4 (Electron only; web mode drags a DownloadURL instead). */
  'clip.startDrag': { request: JobRef, response: z.object({ started: z.boolean() }) },
  /** Reads the generation record embedded in a dropped MP4, so its settings can be restored. */
  'clip.inspect': {
    request: z.strictObject({ name: z.string().max(1024), bytes: Bytes.refine((b) => b.byteLength <= 256 * 1024 * 1024, 'file too large') }),
    response: z.object({ record: GenerationRecordSchema.nullable() }),
  },
} as const;

export type RequestChannel = keyof typeof requests;
export type RequestOf<C extends RequestChannel> = z.input<(typeof requests)[C]['request']>;
export type ResponseOf<C extends RequestChannel> = z.output<(typeof requests)[C]['response']>;
export const requestChannels = Object.keys(requests) as RequestChannel[];

export function isRequestChannel(channel: unknown): channel is RequestChannel {
  return typeof channel === 'string' && Object.prototype.hasOwnProperty.call(requests, channel);
}

// ---------------------------------------------------------------------------------------------------------------
// Events: host -> renderer

export const events = {
  'job.stage': z.object({ jobId: z.string(), stage: JobStage }),
  'job.progress': z.object({ jobId: z.string() }).extend(Progress.shape),
  'job.preview': z.object({
    jobId: z.string(), step: z.number(), width: z.number(), height: z.number(), frameCount: z.number(),
    /** frameCount x height x width x 3, RGB. */
    rgb: Bytes,
  }),
  'job.result': z.object({ jobId: z.string(), clip: ClipInfoSchema }),
  'job.failed': z.object({ jobId: z.string(), code: EngineErrorCode, message: z.string() }),
  'queue.changed': QueueStateSchema,
  'engine.status': EngineStatusSchema,
  'project.changed': ProjectInfoSchema,
  'menu.command': z.object({ command: MenuCommand }),
} as const;

export type EventName = keyof typeof events;
export type EventOf<E extends EventName> = z.output<(typeof events)[E]>;
export const eventNames = Object.keys(events) as EventName[];

// ---------------------------------------------------------------------------------------------------------------
// Results: every request is answered with a success/error union, never a thrown exception across the boundary.

export const IpcErrorCode = z.enum([
  'bad-request',      // the payload failed the channel's schema
  'unknown-channel',  // no such request
  'forbidden',        // the sender is not the studio's own page
  'not-found',        // the job, project or file does not exist
  'unsupported',      // not available in this mode (e.g. native dialogs in web mode)
  'conflict',         // the request does not fit the current state (e.g. removing a running job)
  'internal',         // a handler failed; the message says why
]);
export type IpcErrorCode = z.infer<typeof IpcErrorCode>;

export const IpcErrorSchema = z.object({
  code: IpcErrorCode,
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type IpcError = z.infer<typeof IpcErrorSchema>;

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };

export type JobSummary = z.infer<typeof JobSummarySchema>;
export type QueueState = z.infer<typeof QueueStateSchema>;
export type EngineStatus = z.infer<typeof EngineStatusSchema>;
export type ProjectInfo = z.infer<typeof ProjectInfoSchema>;
export type RecentProject = z.infer<typeof RecentProjectSchema>;
export type ClipInfo = z.infer<typeof ClipInfoSchema>;
export type AppInfo = z.infer<typeof AppInfoSchema>;
export type MenuCommand = z.infer<typeof MenuCommand>;
export type PackSummaryWire = z.infer<typeof PackSummarySchema>;
export type GenerationRecordWire = z.infer<typeof GenerationRecordSchema>;

/** The names the Electron preload and main process use for the single request channel and the event channel. */
export const ELECTRON_REQUEST_CHANNEL = 'hyv:request';
export const ELECTRON_EVENT_CHANNEL = 'hyv:event';
