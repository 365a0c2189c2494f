// manifest.json of a model pack (docs/PACK_FORMAT.md, format 1). A pack is data: every size, template and default
// the engine needs comes from here, so the schema checks what the engine relies on, across fields too.

import { z } from 'zod';
import { EngineError } from '../api.js';
import { checkVaeTiling } from '../vae/tiling.js';

export const SUPPORTED_PACK_FORMAT = 1;

const positiveInt = z.int().positive();
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex digits');

const packFile = z.object({
  path: z.string().min(1).refine((p) => !p.startsWith('/') && !/^[a-zA-Z]:/.test(p) && !p.split(/[\\/]/).includes('..'), {
    message: 'must be a relative path inside the pack',
  }),
  sha256: sha256Hex,
  bytes: z.int().nonnegative(),
});

const template = z.string().refine((t) => t.split('{}').length === 2, { message: 'must contain the prompt placeholder {} exactly once' });

const ditArchitecture = z.looseObject({
  hidden_size: positiveInt,
  heads_num: positiveInt,
  head_dim: positiveInt,
  patch_size: z.tuple([positiveInt, positiveInt, positiveInt]),
  in_channels: positiveInt,
  guidance_embed: z.boolean(),
  text_states_dim: positiveInt,
  text_states_dim_2: positiveInt,
});

export const manifestSchema = z
  .object({
    format: z.literal(SUPPORTED_PACK_FORMAT),
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'lowercase letters, digits, ".", "_" and "-" only'),
    name: z.string().min(1),
    version: z.string().min(1),
    description: z.string().optional(),
    architecture: z.looseObject({
      dit: ditArchitecture,
      vae: z.looseObject({}),
      llm: z.looseObject({}),
      clip: z.looseObject({}),
    }),
    latent: z.object({
      channels: positiveInt,
      temporal_ratio: positiveInt,
      spatial_ratio: positiveInt,
      scaling_factor: z.number().positive(),
    }),
    text: z.object({
      template_video: template,
      template_image: template,
      crop_start_video: z.int().nonnegative(),
      crop_start_image: z.int().nonnegative(),
      max_text_tokens: positiveInt,
      bos_id: z.int().nonnegative(),
      add_bos: z.boolean(),
      clip_max_length: z.int().min(2),
      clip_bos_id: z.int().nonnegative(),
      clip_eos_id: z.int().nonnegative(),
      clip_pad_id: z.int().nonnegative(),
      negative_prompt: z.string(),
    }),
    rope: z.object({
      theta: z.number().positive(),
      axes_dim: z.tuple([positiveInt, positiveInt, positiveInt]),
    }),
    sizes: z.array(z.object({ width: positiveInt, height: positiveInt })).min(1),
    frame_counts: z.array(positiveInt).min(1),
    defaults: z.object({
      width: positiveInt,
      height: positiveInt,
      frames: positiveInt,
      steps: positiveInt,
      shift: z.number().positive(),
      guidance: z.number().nonnegative(),
      fps: z.number().positive(),
      cfg_scale: z.number().min(1),
    }),
    vae_tiling: z.object({
      tile_latent_frames: positiveInt,
      tile_latent_stride_frames: positiveInt,
      blend_frames: z.int().nonnegative(),
      tile_latent_size: positiveInt,
      tile_latent_stride: positiveInt,
      blend_pixels: z.int().nonnegative(),
    }),
    preview: z.object({
      latent_rgb: z.array(z.tuple([z.number(), z.number(), z.number()])),
      bias: z.tuple([z.number(), z.number(), z.number()]),
    }),
    memory: z.object({ min_ram_mb: z.number().nonnegative(), recommended_vram_mb: z.number().nonnegative() }).optional(),
    files: z.looseObject({
      text_llm: packFile,
      text_clip: packFile,
      dit: packFile,
      vae_decoder: packFile,
      vae_encoder: packFile.optional(),
      tokenizer_llm: packFile,
      tokenizer_clip: packFile,
    }),
  })
  .superRefine((m, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const dit = m.architecture.dit;
    const ropeDims = m.rope.axes_dim[0] + m.rope.axes_dim[1] + m.rope.axes_dim[2];
    if (ropeDims !== dit.head_dim) issue(['rope', 'axes_dim'], `sums to ${ropeDims}, but the DiT's head_dim is ${dit.head_dim} (spec §3.6)`);
    if (m.rope.axes_dim.some((d) => d % 2 !== 0)) issue(['rope', 'axes_dim'], 'every axis needs an even number of dims (cos/sin pairs)');
    if (dit.in_channels !== m.latent.channels) issue(['architecture', 'dit', 'in_channels'], `is ${dit.in_channels}, but latent.channels is ${m.latent.channels}`);
    if (m.preview.latent_rgb.length !== m.latent.channels) {
      issue(['preview', 'latent_rgb'], `has ${m.preview.latent_rgb.length} rows, one per latent channel (${m.latent.channels}) expected`);
    }
    const [, ph, pw] = dit.patch_size;
    const align = m.latent.spatial_ratio * Math.max(ph, pw);
    m.sizes.forEach((s, i) => {
      if (s.width % (m.latent.spatial_ratio * pw) !== 0 || s.height % (m.latent.spatial_ratio * ph) !== 0) {
        issue(['sizes', i], `${s.width}×${s.height} is not a multiple of ${align} (VAE ${m.latent.spatial_ratio}× · patch) (spec §6.2)`);
      }
    });
    m.frame_counts.forEach((f, i) => {
      if ((f - 1) % m.latent.temporal_ratio !== 0) issue(['frame_counts', i], `${f} is not ${m.latent.temporal_ratio}k+1 (spec §6.2)`);
    });
    if (!m.frame_counts.includes(m.defaults.frames)) issue(['defaults', 'frames'], `${m.defaults.frames} is not one of frame_counts`);
    if (!m.sizes.some((s) => s.width === m.defaults.width && s.height === m.defaults.height)) {
      issue(['defaults'], `${m.defaults.width}×${m.defaults.height} is not one of sizes`);
    }
    try {
      checkVaeTiling(m.vae_tiling, m.latent.temporal_ratio, m.latent.spatial_ratio);
    } catch (error) {
      issue(['vae_tiling'], error instanceof Error ? error.message.replace(/^manifest\.json: vae_tiling: /, '') : String(error));
    }
  });

export type PackManifest = z.infer<typeof manifestSchema>;
export type PackFileEntry = z.infer<typeof packFile>;

/** Graph files the engine runs, and the input/output names each must expose (PACK_FORMAT.md, "Graphs"). */
export type GraphKey = 'text_llm' | 'text_clip' | 'dit' | 'vae_decoder' | 'vae_encoder';
export type TokenizerKey = 'tokenizer_llm' | 'tokenizer_clip';

export function expectedGraphIO(graph: GraphKey, manifest: PackManifest): { inputs: string[]; outputs: string[] } {
  switch (graph) {
    case 'text_llm':
      return { inputs: ['input_ids'], outputs: ['hidden_states'] };
    case 'text_clip':
      return { inputs: ['input_ids'], outputs: ['pooled'] };
    case 'dit':
      return {
        inputs: ['latents', 'timestep', 'text_states', 'text_states_2', ...(manifest.architecture.dit.guidance_embed ? ['guidance'] : []), 'freqs_cos', 'freqs_sin'],
        outputs: ['velocity'],
      };
    case 'vae_decoder':
      return { inputs: ['latents'], outputs: ['video'] };
    case 'vae_encoder':
      return { inputs: ['video'], outputs: ['latent_mean'] };
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 8)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

/**
 * Parses manifest JSON. A `format` newer than this engine understands is its own error (pack-version), checked before
 * the schema so that a future pack is reported as "update the app", not as a broken pack.
 */
export function parseManifest(json: unknown, file: string): PackManifest {
  const format = typeof json === 'object' && json !== null ? (json as { format?: unknown }).format : undefined;
  if (typeof format === 'number' && format > SUPPORTED_PACK_FORMAT) {
    throw new EngineError('pack-version', `${file}: pack format ${format} is newer than this app supports (${SUPPORTED_PACK_FORMAT}); update HyVideo Studio to use this pack`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) throw new EngineError('pack-manifest', `${file}: invalid manifest: ${describeIssues(parsed.error)}`);
  return parsed.data;
}
