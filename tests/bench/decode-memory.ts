// One VAE decode in a fresh process, so its peak RSS is the decode's own: `npm run bench` runs it for growing clip
// lengths, tiled and untiled, to show that tiled decoding keeps memory bounded (spec §4.7) while one-call decoding
// grows with the clip. Prints one JSON line: { latentFrames, frames, tiled, ms, baselineRssMiB, peakRssMiB }.
// Usage: npx tsx tests/bench/decode-memory.ts <pack dir> <latent frames> <tiled: 1|0> [latent height] [latent width]
import path from 'node:path';
import { readPack } from '../../electron/engine/pack/load.js';
import { HunyuanVideoPipeline } from '../../electron/engine/pipeline.js';

const [packDir, latentFramesArg, tiledArg, hArg, wArg] = process.argv.slice(2);
const pack = await readPack(path.resolve(packDir ?? 'native-models/packs/hyvideo-small'));
const pipeline = await HunyuanVideoPipeline.load(pack, { provider: 'cpu' });
const latentFrames = Number(latentFramesArg ?? 5);
const { channels } = pack.manifest.latent;
const shape: [number, number, number, number] = [channels, latentFrames, Number(hArg ?? 8), Number(wArg ?? 8)];
const latents = new Float32Array(shape.reduce((a, b) => a * b, 1));
let state = 12345;
for (let i = 0; i < latents.length; i++) {
  state = (state * 1103515245 + 12345) >>> 0;
  latents[i] = state / 2 ** 32 - 0.5; // any latents do: memory depends on shapes only
}
const baselineRssMiB = process.resourceUsage().maxRSS / 1024;
const start = performance.now();
const video = await pipeline.decodeVideo(latents, shape, { tiled: tiledArg !== '0' });
const ms = performance.now() - start;
console.log(JSON.stringify({ latentFrames, frames: video.frames, size: `${video.width}x${video.height}`, tiled: tiledArg !== '0', ms: Math.round(ms),
  baselineRssMiB: Math.round(baselineRssMiB), peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) }));
await pipeline.dispose();

