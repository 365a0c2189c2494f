// Runs after `npm install`. Two optional downloads that fail offline must never fail the install:
//  1. onnxruntime-node's CUDA provider files (skipped by .npmrc, attempted here only where a GPU driver exists);
//  2. the Electron runtime (an optional dependency: when its download fails npm drops the package, so the
//     package is reinstalled here without its binary to keep its type definitions and `npm start`'s web mode).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');
const require = createRequire(path.join(root, 'package.json'));
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

function tryCudaProvider() {
  if (process.platform !== 'linux' || process.arch !== 'x64') return;
  if (spawnSync('nvidia-smi', ['-L'], { stdio: 'ignore' }).status !== 0) return;
  const script = path.join(root, 'node_modules', 'onnxruntime-node', 'script', 'install.js');
  if (!existsSync(script)) return;
  const env = { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'cuda12' };
  delete env.npm_config_onnxruntime_node_install;
  const result = spawnSync(process.execPath, [script], { cwd: path.dirname(path.dirname(script)), env, stdio: 'inherit' });
  if (result.status !== 0) {
    console.warn('[hyvideo] CUDA provider files could not be downloaded; the studio will run on the CPU provider.');
  }
}

function ensureElectronTypes() {
  try {
    require.resolve('electron/package.json');
    return;
  } catch {
    // fall through: the binary download failed and npm removed the package
  }
  const version = pkg.optionalDependencies.electron;
  console.warn(`[hyvideo] Electron ${version} runtime unavailable here; installing its package without the binary (web mode still works).`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['install', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', `electron@${version}`], {
    cwd: root,
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (result.status !== 0) console.warn('[hyvideo] could not install the Electron package; type-checking the main process will fail.');
}

tryCudaProvider();
ensureElectronTypes();
