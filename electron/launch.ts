// `npm start`. Opens the desktop app where the Electron runtime is installed. Where it is not (its download needs
// github.com, which some machines cannot reach), serves the same studio to a browser on this machine instead:
// "web mode", with the same renderer, the same request handlers and the same engine process.
//
//   npm start [-- --web] [--host <address>] [--port <n>] [--project <folder>] [--user-data <folder>]
import { spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { forkLauncher } from './engine-host/launcher.js';
import { readClipRecord } from './main/clip-record.js';
import { Studio } from './main/studio.js';
import { startWebServer } from './server/web-server.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

interface LaunchArgs {
  web: boolean;
  host: string;
  port: number;
  project?: string;
  userData?: string;
}

function usage(): never {
  console.log(`Usage: npm start [-- options]
  --web                 serve the studio to a browser even where Electron is installed
  --host <address>      address to serve on (default 127.0.0.1; anything else is reachable from other machines)
  --port <n>            port (default: a free one)
  --project <folder>    project folder to open (default: "Untitled Project" in the user data folder)
  --user-data <folder>  where the queue, recent projects and settings live`);
  process.exit(0);
}

function parseLaunchArgs(argv: string[]): LaunchArgs {
  const args: LaunchArgs = { web: false, host: '127.0.0.1', port: 0 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--web') args.web = true;
    else if (arg === '--host') args.host = value();
    else if (arg === '--port') args.port = Number(value());
    else if (arg === '--project') args.project = path.resolve(value());
    else if (arg === '--user-data') args.userData = path.resolve(value());
    else if (arg === '--help' || arg === '-h') usage();
    else throw new Error(`unknown option ${arg} (see --help)`);
  }
  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) throw new Error('--port must be 0-65535');
  return args;
}

/** The Electron binary, or why there is none. */
function electronRuntime(): { ok: true; binary: string } | { ok: false; reason: string } {
  try {
    const binary = require('electron') as unknown;
    if (typeof binary === 'string' && existsSync(binary)) return { ok: true, binary };
    return { ok: false, reason: 'the electron package has no runtime binary' };
  } catch {
    // The electron package fetches its binary from github.com when installed; where that failed the package
    // is there (its types keep the main process type-checked) but has no runtime.
    return { ok: false, reason: 'the Electron runtime is not installed here (its binary download from github.com did not happen)' };
  }
}

/** Electron's own userData folder for this app, so web mode and the desktop app share the queue and settings. */
function defaultUserData(): string {
  const name = 'HyVideo Studio';
  if (process.env.HYV_USER_DATA) return path.resolve(process.env.HYV_USER_DATA);
  if (process.platform === 'win32') return path.join(process.env.APPDATA ?? path.join(os.homedir(), 'AppData', 'Roaming'), name);
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Application Support', name);
  return path.join(process.env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'), name);
}

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  const entries = await fs.readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const stat = await fs.stat(path.join(entry.parentPath, entry.name)).catch(() => null);
    if (stat && stat.mtimeMs > newest) newest = stat.mtimeMs;
  }
  return newest;
}

/** Builds the renderer bundle when it is missing or older than its sources. */
async function ensureRendererBuilt(): Promise<string> {
  const outDir = path.join(root, 'dist', 'renderer');
  const built = await fs.stat(path.join(outDir, 'index.html')).then((s) => s.mtimeMs, () => 0);
  const sources = Math.max(
    ...(await Promise.all(['renderer', 'electron/shared', 'assets/captions'].map((d) => newestMtime(path.join(root, d))))),
  );
  if (built > sources) return outDir;
  console.log('[hyvideo] building the studio page (renderer/) …');
  const { build } = await import('vite');
  await build({ configFile: path.join(root, 'renderer', 'vite.config.ts'), logLevel: 'warn' });
  return outDir;
}

async function startElectron(binary: string): Promise<void> {
  await ensureRendererBuilt();
  console.log('[hyvideo] compiling the main process …');
  const tsc = spawn(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  await new Promise((resolve) => tsc.on('exit', resolve));
  const child = spawn(binary, [root, ...process.argv.slice(2).filter((a) => a.endsWith('.hyvproj'))], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
}

async function startWebMode(args: LaunchArgs, why: string): Promise<void> {
  const rendererDir = await ensureRendererBuilt();
  const userDataDir = args.userData ?? defaultUserData();
  const packDirs = [path.join(root, 'native-models', 'packs'), path.join(userDataDir, 'packs')];
  const studio = new Studio({
    mode: 'web',
    version: (JSON.parse(await fs.readFile(path.join(root, 'package.json'), 'utf8')) as { version: string }).version,
    userDataDir,
    packDirs,
    ...(args.project ? { projectDir: args.project } : {}),
    launcher: forkLauncher({ echoStderr: true }),
    mediaUrl: (mediaPath) => `/media/${mediaPath}`,
    readClipRecord,
    warmEngine: true,
    log: (line) => console.log(line),
  });
  await studio.start();
  const server = await startWebServer({ studio, rendererDir, host: args.host, port: args.port, log: (line) => console.log(line) });

  const loopback = ['127.0.0.1', 'localhost', '::1'].includes(args.host);
  console.log('');
  console.log('HyVideo Studio is running in web mode.');
  console.log(`  Why: ${why}. The same studio runs in your browser instead.`);
  if (!loopback) {
    console.log(`  WARNING: serving on ${args.host}, so other machines on the network can reach it. Anyone with the`);
    console.log('  link below (it holds the access token) can generate, read your project\'s clips, and use this machine.');
  } else {
    console.log('  Only this machine can reach it, and only with the link below (it holds a one-time access token).');
  }
  console.log(`  Project: ${studio.project.dir}`);
  console.log('');
  console.log(`  Open: ${server.url}`);
  console.log('');
  console.log('  Stop with Ctrl+C.');

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.close();
    await studio.dispose();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

async function main(): Promise<void> {
  const args = parseLaunchArgs(process.argv.slice(2));
  const runtime = electronRuntime();
  if (runtime.ok && !args.web) return startElectron(runtime.binary);
  return startWebMode(args, runtime.ok ? 'you asked for it (--web)' : runtime.reason);
}

main().catch((error: unknown) => {
  console.error(`[hyvideo] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
