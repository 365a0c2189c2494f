// The engine process inside the desktop app: an Electron utilityProcess (a Node child that Chromium's process
// model knows about), behind the same EngineLauncher interface as the fork used by web mode and the CLI.
import type { EngineChild, EngineLauncher } from '../engine-host/launcher.js';
import type { EngineToHost, HostToEngine } from '../engine-host/protocol.js';
import type { ElectronLike } from './electron-like.js';

export function utilityProcessLauncher(electron: ElectronLike, entry: string, env: NodeJS.ProcessEnv = {}): EngineLauncher {
  return {
    launch(): EngineChild {
      const child = electron.utilityProcess.fork(entry, [], {
        serviceName: 'HyVideo Studio engine',
        stdio: ['ignore', 'inherit', 'pipe'],
        env: { ...process.env, ...env },
      });
      let tail = '';
      // A fatal V8 error in the child; its 'exit' follows. Unhandled, an 'error' event would throw in this process.
      child.on('error', (type: string, location: string) => {
        tail += `\n${type} at ${location}`;
      });
      child.stderr?.on('data', (chunk: Buffer) => {
        process.stderr.write(chunk);
        tail = (tail + chunk.toString()).slice(-4000);
      });
      return {
        get pid() {
          return child.pid;
        },
        send: (message: HostToEngine) => child.postMessage(message),
        onMessage: (listener) => void child.on('message', (message) => listener(message as EngineToHost)),
        // A utility process reports only an exit code; a kill by signal shows as a non-zero code.
        onExit: (listener) => void child.on('exit', (code) => listener({ code, signal: null })),
        kill: () => void child.kill(),
        stderrTail: () => tail,
      };
    },
  };
}
