// Project files handed to the app by the system: on the command line (Windows and Linux file associations, a
// second launch) or through macOS's open-file event.
import path from 'node:path';
import { isProjectFile } from './project-file.js';

/** The last .hyvproj path among the arguments (flags and the executable itself are skipped). */
export function projectFileFromArgv(argv: readonly string[], workingDirectory = process.cwd()): string | null {
  for (let i = argv.length - 1; i >= 1; i--) {
    const arg = argv[i]!;
    if (arg.startsWith('-')) continue;
    if (isProjectFile(arg)) return path.resolve(workingDirectory, arg);
  }
  return null;
}
