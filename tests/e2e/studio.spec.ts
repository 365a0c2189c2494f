// The whole studio, as a person uses it: start it with `npm start` (web mode here), open the printed link in
// Chromium, compose a shot on the embedded pack, watch it denoise, and get a playable MP4 back.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { startStudio, type RunningStudio } from './web-mode.js';

const SCREENSHOT = '/tmp/hyvideo-studio.png';
const SCREENSHOT_PROGRESS = '/tmp/hyvideo-studio-progress.png';

let studio: RunningStudio;

test.beforeAll(async () => {
  studio = await startStudio();
});

test.afterAll(async () => {
  await studio?.stop();
});

test('compose a shot on the embedded pack, watch it render, play the clip', async ({ page }) => {
  const consoleErrors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  page.on('pageerror', (e) => consoleErrors.push(e.message));

  // The printed link trades its token for a cookie and lands on the studio without the token in the address.
  await page.goto(studio.url);
  expect(page.url()).toBe(`${studio.origin}/`);
  await expect(page.getByTestId('engine-status')).toHaveText(/Engine ready/, { timeout: 60_000 });

  // The 14 camera presets come from the caption schema.
  await expect(page.locator('[data-testid^="camera-"]')).toHaveCount(14);
  await expect(page.getByRole('combobox').first()).toContainText('HyVideo Small');

  await page.getByTestId('prompt').fill('A red circle moves left across a pale blue sky');
  await page.getByTestId('camera-pan-left').click();
  await expect(page.getByTestId('camera-pan-left')).toHaveAttribute('aria-checked', 'true');
  await page.getByTestId('seed').fill('1234');
  await page.getByTestId('frames').selectOption('9');
  await page.getByTestId('steps').fill('6');
  await expect(page.getByTestId('caption')).toContainText('The camera pans left.');

  // Record what the progress line shows as it changes, so fast steps are not missed between polls.
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { __progressSeen: string[] }).__progressSeen = seen;
    new MutationObserver(() => {
      const text = document.querySelector('[data-testid="progress"]')?.textContent;
      if (text && seen[seen.length - 1] !== text) seen.push(text);
      if (document.querySelector('[data-testid="preview-canvas"]')) seen.push('preview-canvas');
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });

  await page.getByTestId('generate').click();
  const take = page.getByTestId('take').first();
  await expect(take).toBeVisible();

  await expect(take).toHaveAttribute('data-status', /done|failed/, { timeout: 120_000 });
  expect(await take.getAttribute('data-status'), await take.textContent() ?? '').toBe('done');
  const video = page.getByTestId('result-video');
  await expect(video).toBeVisible();

  const seen = await page.evaluate(() => (window as unknown as { __progressSeen: string[] }).__progressSeen);
  expect(seen.some((t) => /Denoising.*step \d+ \/ 6/.test(t)), `progress seen: ${JSON.stringify(seen)}`).toBe(true);
  expect(seen).toContain('preview-canvas');

  // The clip is a real, playable H.264 MP4 served from the project folder.
  const playable = await video.evaluate(async (el: HTMLVideoElement) => {
    if (el.readyState < 2) await new Promise((resolve, reject) => {
      el.addEventListener('loadeddata', resolve, { once: true });
      el.addEventListener('error', () => reject(new Error(`video error ${el.error?.code}`)), { once: true });
    });
    return { width: el.videoWidth, height: el.videoHeight, duration: el.duration, src: el.currentSrc };
  });
  expect(playable.width).toBe(64);
  expect(playable.height).toBe(64);
  expect(playable.duration).toBeGreaterThan(0.5);
  expect(new URL(playable.src).pathname).toMatch(/^\/media\/project\/media\/.+\.mp4$/);
  const head = await page.evaluate(async (src) => {
    const bytes = new Uint8Array(await (await fetch(src)).arrayBuffer());
    return String.fromCharCode(...bytes.subarray(4, 8));
  }, playable.src);
  expect(head).toBe('ftyp');
  const files = readdirSync(path.join(studio.projectDir, 'media')).filter((f) => f.endsWith('.mp4'));
  expect(files).toHaveLength(1);
  expect(files[0]).toContain('seed1234');

  // A second take at the pack's full step count, with another camera move, so the takes column shows a history.
  await page.getByTestId('camera-zoom-in').click();
  await page.getByTestId('seed').fill('77');
  await page.getByTestId('frames').selectOption('17');
  await page.getByTestId('steps').fill('20');
  await page.getByTestId('generate').click();
  await expect(page.locator('[data-testid="take"][data-status="done"]')).toHaveCount(2, { timeout: 120_000 });
  await page.getByTestId('take').first().click();
  await expect(video).toBeVisible();
  await page.mouse.move(700, 880);
  await page.waitForTimeout(600);
  await page.screenshot({ path: SCREENSHOT });

  // Drag-out: in a browser a finished take drags as a DownloadURL of its MP4.
  const dragged = await page.getByTestId('take').nth(1).evaluate((card) => {
    const dt = new DataTransfer();
    card.dispatchEvent(new DragEvent('dragstart', { bubbles: true, cancelable: true, dataTransfer: dt }));
    return dt.getData('DownloadURL');
  });
  expect(dragged).toMatch(new RegExp(`^video/mp4:${files[0]!.replace(/[.]/g, '\\.')}:${studio.origin}/media/project/media/`));

  // Drop-in: dropping the first take's MP4 on the studio restores the settings it was made with.
  await expect(page.getByTestId('seed')).toHaveValue('77');
  await page.evaluate(async (src) => {
    const blob = await (await fetch(src)).blob();
    const dt = new DataTransfer();
    dt.items.add(new File([blob], 'first-take.mp4', { type: 'video/mp4' }));
    for (const type of ['dragenter', 'dragover', 'drop']) {
      window.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }));
    }
  }, playable.src);
  await expect(page.getByTestId('seed')).toHaveValue('1234');
  await expect(page.getByTestId('camera-pan-left')).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByTestId('steps')).toHaveValue('6');
  await expect(page.getByTestId('frames')).toHaveValue('9');

  // A long take shows its live preview and progress while it denoises, and can be cancelled from its card.
  await page.getByTestId('camera-around-right').click();
  await page.getByTestId('seed').fill('2026');
  await page.getByTestId('steps').fill('100');
  await page.getByTestId('frames').selectOption('33');
  await page.getByTestId('generate').click();
  await expect(page.getByTestId('preview-canvas')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('progress-step')).toHaveText(/step \d+ \/ 100/);
  await page.screenshot({ path: SCREENSHOT_PROGRESS });
  await page.getByTestId('take').first().getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('take').first()).toHaveAttribute('data-status', 'cancelled');

  expect(consoleErrors).toEqual([]);
});
