// Where the window was and how big, remembered across launches, and put back only where a display still shows it.
import { z } from 'zod';
import { readJson, writeJsonAtomic } from '../engine-host/atomic-json.js';
import type { Rectangle } from './electron-like.js';

const Saved = z.object({
  bounds: z.object({ x: z.number(), y: z.number(), width: z.number().min(200), height: z.number().min(200) }),
  maximized: z.boolean(),
});
export type WindowState = z.infer<typeof Saved>;

export const DEFAULT_SIZE = { width: 1440, height: 900 };

function visibleArea(a: Rectangle, b: Rectangle): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/** The saved state if enough of it is on a display (the monitor may have been unplugged), else a centred default. */
export function restoreWindowState(saved: unknown, displays: Rectangle[]): WindowState {
  const primary = displays[0] ?? { x: 0, y: 0, width: 1920, height: 1080 };
  const width = Math.min(DEFAULT_SIZE.width, primary.width);
  const height = Math.min(DEFAULT_SIZE.height, primary.height);
  const fallback: WindowState = {
    bounds: { x: primary.x + Math.round((primary.width - width) / 2), y: primary.y + Math.round((primary.height - height) / 2), width, height },
    maximized: false,
  };
  const parsed = Saved.safeParse(saved);
  if (!parsed.success) return fallback;
  const { bounds } = parsed.data;
  const shown = Math.max(0, ...displays.map((d) => visibleArea(bounds, d)));
  // A title bar's worth is not enough: at least a quarter of the window, or 200x100 px, must be on screen.
  if (shown < Math.min(bounds.width * bounds.height * 0.25, 200 * 100)) return { ...fallback, maximized: parsed.data.maximized };
  return parsed.data;
}

export async function loadWindowState(file: string, displays: Rectangle[]): Promise<WindowState> {
  const saved = await readJson(file);
  return restoreWindowState(saved.kind === 'ok' ? saved.value : undefined, displays);
}

export async function saveWindowState(file: string, state: WindowState): Promise<void> {
  await writeJsonAtomic(file, state);
}
