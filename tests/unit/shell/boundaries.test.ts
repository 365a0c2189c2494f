// The folder a file sits in says which process it runs in (shared/design/style.md): this keeps the imports honest.
// Type-only imports are free; what is checked is what gets loaded at run time.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..', '..');

function filesUnder(dir: string): string[] {
  return readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(c|m)?tsx?$/.test(e.name))
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)));
}

/** Module specifiers a file loads at run time (static value imports, side-effect imports, dynamic imports, require). */
function runtimeImports(file: string): string[] {
  const text = readFileSync(path.join(root, file), 'utf8').replace(/^\s*\/\/.*$/gm, '');
  const found: string[] = [];
  for (const m of text.matchAll(/\bimport\s+(type\s+)?([\w*{}\s,$]*?)\s*from\s*['"]([^'"]+)['"]/g)) {
    const names = m[2]!;
    const allTypes = /^\{[^}]*\}$/.test(names.trim()) && names.replace(/[{}]/g, '').split(',').map((s) => s.trim()).filter(Boolean).every((s) => s.startsWith('type '));
    if (!m[1] && !allTypes) found.push(m[3]!);
  }
  for (const m of text.matchAll(/\bimport\s+['"]([^'"]+)['"]/g)) found.push(m[1]!);
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(m[1]!);
  for (const m of text.matchAll(/\brequire\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(m[1]!);
  return found;
}

function resolvedTarget(file: string, spec: string): string {
  return spec.startsWith('.') ? path.relative(root, path.resolve(root, path.dirname(file), spec)) : spec;
}

function violations(dir: string, forbidden: (target: string, file: string) => boolean): string[] {
  return filesUnder(dir).flatMap((file) => runtimeImports(file).filter((spec) => forbidden(resolvedTarget(file, spec), file)).map((spec) => `${file} -> ${spec}`));
}

const isElectron = (t: string) => t === 'electron' || t.startsWith('electron/') && !t.includes('.');

describe('process boundaries', () => {
  it('only electron/main/main.ts and the preload load Electron', () => {
    // launch.ts asks the npm package for the path of its binary (in plain Node that is all the package returns).
    const allowed = new Set(['electron/main/main.ts', 'electron/preload/preload.cts', 'electron/launch.ts']);
    const bad = ['electron', 'tests/unit/shell', 'tests/unit/ipc'].flatMap((dir) =>
      violations(dir, (t, file) => t === 'electron' && !allowed.has(file)));
    expect(bad).toEqual([]);
  });

  it('the shared contract and caption code run anywhere: no Node, Electron or React', () => {
    expect(violations('electron/shared', (t) => t.startsWith('node:') || isElectron(t) || t.startsWith('react') || t.startsWith('electron/main') || t.startsWith('electron/server') || t.startsWith('electron/engine-host'))).toEqual([]);
  });

  it('the renderer reaches the host only through the shared contract: no Node, Electron, main, server or engine code', () => {
    expect(violations('renderer/src', (t) => t.startsWith('node:') || isElectron(t) || /^electron\/(main|server|engine-host|engine|media|cli)\//.test(t))).toEqual([]);
  });

  it('the engine host, the server and the main-process logic never load React', () => {
    expect(['electron/engine-host', 'electron/server', 'electron/main'].flatMap((dir) => violations(dir, (t) => t.startsWith('react')))).toEqual([]);
  });

  it('the import scanner sees through type-only imports (so the checks above can fail)', () => {
    expect(runtimeImports('electron/main/electron-like.ts')).not.toContain('electron');
    expect(runtimeImports('electron/main/main.ts')).toContain('electron');
    expect(runtimeImports('electron/preload/preload.cts')).toContain('electron');
  });
});
