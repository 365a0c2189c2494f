// The live preview: the engine's latent preview frames (a few pixels a side), played as a loop and scaled up
// smoothly so the shot's colours and motion read while it denoises.
import { useEffect, useRef } from 'react';
import type { Preview } from '../state/studio-store.js';

export function PreviewCanvas({ preview, fps }: { preview: Preview; fps: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const el = canvas.current;
    const ctx = el?.getContext('2d');
    if (!el || !ctx) return;
    const { width, height, frameCount, rgb } = preview;
    const frames: ImageData[] = [];
    for (let f = 0; f < frameCount; f++) {
      const image = new ImageData(width, height);
      const base = f * width * height * 3;
      for (let i = 0; i < width * height; i++) {
        image.data[i * 4] = rgb[base + i * 3]!;
        image.data[i * 4 + 1] = rgb[base + i * 3 + 1]!;
        image.data[i * 4 + 2] = rgb[base + i * 3 + 2]!;
        image.data[i * 4 + 3] = 255;
      }
      frames.push(image);
    }
    const small = document.createElement('canvas');
    small.width = width;
    small.height = height;
    const smallCtx = small.getContext('2d')!;
    let frame = 0;
    const draw = () => {
      const image = frames[frame % frames.length];
      if (!image) return;
      smallCtx.putImageData(image, 0, 0);
      ctx.imageSmoothingEnabled = true;
      ctx.imageSmoothingQuality = 'high';
      ctx.drawImage(small, 0, 0, el.width, el.height);
      frame++;
    };
    draw();
    const timer = setInterval(draw, 1000 / Math.max(1, Math.min(fps / 2, 12)));
    return () => clearInterval(timer);
  }, [preview, fps]);
  return <canvas ref={canvas} className="stage-media preview" width={512} height={512} data-testid="preview-canvas" />;
}
