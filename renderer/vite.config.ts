import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

// One bundle for both hosts: Electron loads it from app://studio/, web mode from http://127.0.0.1:<port>/.
// No inline scripts or styles, so the strict CSP (electron/main/csp.ts) holds.
export default defineConfig({
  root: here,
  base: '/',
  plugins: [react()],
  build: {
    outDir: path.join(here, '..', 'dist', 'renderer'),
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    target: 'chrome120',
    sourcemap: true,
    chunkSizeWarningLimit: 2048,
  },
  server: { fs: { allow: [path.join(here, '..')] } },
});
