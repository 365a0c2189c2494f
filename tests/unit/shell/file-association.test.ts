import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectFileFromArgv } from '../../../electron/main/file-association.js';

describe('project files from the command line', () => {
  it('takes the last .hyvproj argument, resolved against the working directory', () => {
    expect(projectFileFromArgv(['/opt/app', 'a.hyvproj', '--x', 'sub/b.HYVPROJ'], '/home/me')).toBe(path.resolve('/home/me/sub/b.HYVPROJ'));
    expect(projectFileFromArgv(['C:\\app.exe', '/abs/c.hyvproj'], '/w')).toBe(path.resolve('/abs/c.hyvproj'));
  });
  it('ignores the executable, flags and other files', () => {
    expect(projectFileFromArgv(['/opt/x.hyvproj'], '/w')).toBeNull();
    expect(projectFileFromArgv(['/opt/app', '--open=x.hyvproj', 'clip.mp4', '.'], '/w')).toBeNull();
  });
});
