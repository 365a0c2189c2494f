// 3D rotary position tables for the DiT's image tokens (spec §3.6, HV `get_nd_rotary_pos_embed(use_real=True)`).
// Positions are plain integers on the post-patch grid (T/pt, H/ph, W/pw); axis a with d_a dims has frequencies
// freq_i = 1 / theta^(2i/d_a), i < d_a/2. cos and sin are repeated *interleaved* (repeat_interleave(2)), because HV
// rotates adjacent pairs (x_2k, x_2k+1), not two halves; the axes are concatenated T | H | W into head_dim columns.
// Every intermediate is rounded to float32 the way torch computes it, so the tables match the exporter's bit for bit
// in all but a rare last ulp.

export interface RopeTables {
  /** [tokens, headDim], row-major. */
  cos: Float32Array;
  sin: Float32Array;
  tokens: number;
  headDim: number;
}

export type RopeGrid = readonly [frames: number, height: number, width: number];

/** Per-axis frequencies, float32 like `1.0 / (theta ** (arange(0, d, 2)[: d // 2].float() / d))`. */
export function ropeFrequencies(dim: number, theta: number): Float32Array {
  if (dim % 2 !== 0) throw new RangeError(`RoPE axis dims must be even, got ${dim}`);
  const freqs = new Float32Array(dim / 2);
  for (let i = 0; i < dim / 2; i++) {
    const exponent = Math.fround((2 * i) / dim);
    freqs[i] = 1 / Math.fround(theta ** exponent);
  }
  return freqs;
}

/** Token grid of the DiT for a latent of shape (T, H, W) and patch (pt, ph, pw): tokens are (t, h, w) row-major. */
export function ropeGrid(latentShape: RopeGrid, patchSize: readonly [number, number, number]): RopeGrid {
  const [t, h, w] = latentShape;
  const [pt, ph, pw] = patchSize;
  if (t % pt !== 0 || h % ph !== 0 || w % pw !== 0) {
    throw new RangeError(`latent ${t}×${h}×${w} is not divisible by the patch ${pt}×${ph}×${pw}`);
  }
  return [t / pt, h / ph, w / pw];
}

export function ropeTables(grid: RopeGrid, axesDim: readonly [number, number, number], theta: number): RopeTables {
  const headDim = axesDim[0] + axesDim[1] + axesDim[2];
  const tokens = grid[0] * grid[1] * grid[2];
  const cos = new Float32Array(tokens * headDim);
  const sin = new Float32Array(tokens * headDim);

  // Per axis, one row of interleaved cos / sin per position; a token's row is the three rows side by side.
  const axisRows = axesDim.map((dim, axis) => {
    const freqs = ropeFrequencies(dim, theta);
    const n = grid[axis]!;
    const rowsCos = new Float32Array(n * dim);
    const rowsSin = new Float32Array(n * dim);
    for (let pos = 0; pos < n; pos++) {
      for (let i = 0; i < dim / 2; i++) {
        const angle = Math.fround(pos * freqs[i]!);
        const c = Math.cos(angle);
        const s = Math.sin(angle);
        rowsCos[pos * dim + 2 * i] = c;
        rowsCos[pos * dim + 2 * i + 1] = c;
        rowsSin[pos * dim + 2 * i] = s;
        rowsSin[pos * dim + 2 * i + 1] = s;
      }
    }
    return { dim, rowsCos, rowsSin };
  });

  let token = 0;
  for (let t = 0; t < grid[0]; t++) {
    for (let h = 0; h < grid[1]; h++) {
      for (let w = 0; w < grid[2]; w++, token++) {
        let column = token * headDim;
        for (const [axis, pos] of [[0, t], [1, h], [2, w]] as const) {
          const { dim, rowsCos, rowsSin } = axisRows[axis]!;
          cos.set(rowsCos.subarray(pos * dim, (pos + 1) * dim), column);
          sin.set(rowsSin.subarray(pos * dim, (pos + 1) * dim), column);
          column += dim;
        }
      }
    }
  }
  return { cos, sin, tokens, headDim };
}
