// The project's Python environment (native-models/.venv): PyTorch reference, training, export, and their tests.
//   node build/scripts/python.mjs setup        create or update the venv from native-models/requirements.txt
//   node build/scripts/python.mjs test [args]  run pytest on native-models/tests
//   node build/scripts/python.mjs run <script> [args]   run a script with the venv's python
// Where pip is configured with local (file://) indexes, they become pip's only indexes: pip would otherwise
// spend minutes retrying an unreachable public index.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');
const modelsDir = path.join(root, 'native-models');
const venv = path.join(modelsDir, '.venv');
const isWindows = process.platform === 'win32';
const venvPython = path.join(venv, isWindows ? 'Scripts/python.exe' : 'bin/python');
const requirements = path.join(modelsDir, 'requirements.txt');
const stamp = path.join(venv, '.requirements.sha256');

function run(cmd, args, opts = {}) {
  const result = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function systemPython() {
  for (const candidate of [process.env.PYTHON, 'python3', 'python'].filter(Boolean)) {
    const probe = spawnSync(candidate, ['-c', 'import sys; print(sys.version_info[:2] >= (3, 10))'], { encoding: 'utf8' });
    if (probe.status === 0 && probe.stdout.trim() === 'True') return candidate;
  }
  throw new Error('Python 3.10 or newer is needed for native-models/ (set PYTHON to its path).');
}

function localIndexEnv(python) {
  const listed = spawnSync(python, ['-m', 'pip', 'config', 'list'], { encoding: 'utf8' });
  const urls = [];
  for (const line of (listed.stdout ?? '').split('\n')) {
    const match = /^\S*\.(?:extra-index-url|index-url)='(.*)'$/.exec(line.trim());
    if (match) urls.push(...match[1].split(/\s+/));
  }
  const local = urls.filter((u) => u.startsWith('file:'));
  if (local.length === 0) return {};
  return { PIP_INDEX_URL: local[0], PIP_EXTRA_INDEX_URL: local.slice(1).join(' ') };
}

function setup() {
  const wanted = createHash('sha256').update(readFileSync(requirements)).digest('hex');
  if (existsSync(venvPython) && existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) return 0;
  const python = systemPython();
  if (!existsSync(venvPython)) {
    console.log('[python] creating native-models/.venv');
    if (run(python, ['-m', 'venv', venv]) !== 0) return 1;
  }
  console.log('[python] installing native-models/requirements.txt');
  const env = { ...process.env, ...localIndexEnv(python), PIP_DISABLE_PIP_VERSION_CHECK: '1' };
  const status = run(venvPython, ['-m', 'pip', 'install', '-q', '-r', requirements], { env });
  if (status === 0) writeFileSync(stamp, wanted);
  return status;
}

function withPythonEnv() {
  // OpenBLAS threads fight torch's own threads for the 2 cores (shared/reference/this-machine.md §3).
  return { ...process.env, OPENBLAS_NUM_THREADS: process.env.OPENBLAS_NUM_THREADS ?? '1', PYTHONUNBUFFERED: '1' };
}

const [command, ...rest] = process.argv.slice(2);
let status = 0;
if (command === 'setup') {
  status = setup();
} else if (command === 'test') {
  status = setup() || run(venvPython, ['-m', 'pytest', 'native-models/tests', '-q', ...rest], { cwd: root, env: withPythonEnv() });
} else if (command === 'run') {
  status = setup() || run(venvPython, rest, { cwd: root, env: withPythonEnv() });
} else {
  console.error('usage: python.mjs setup | test [pytest args] | run <script> [args]');
  status = 2;
}
process.exit(status);
