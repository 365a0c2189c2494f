// Dragging a finished clip out of the studio into an editor or a folder. The desktop app starts a native file drag
// in the main process; a browser drags a DownloadURL (Chromium turns it into the file when dropped on the desktop).
import type { DragEvent } from 'react';
import type { JobSummary } from '../../../electron/shared/ipc/contract.js';
import { studioClient } from '../ipc/studio-client.js';
import { toast } from '../state/studio-store.js';

export function dragOutProps(job: JobSummary, nativeDrag: boolean) {
  if (job.status !== 'done' || !job.clip?.url) return {};
  const clip = job.clip;
  return {
    draggable: true,
    onDragStart: (event: DragEvent<HTMLElement>) => {
      if (nativeDrag) {
        event.preventDefault();
        void studioClient().request('clip.startDrag', { jobId: job.id }).then((r) => {
          if (!r.ok) toast('error', r.error.message);
        });
        return;
      }
      const url = new URL(clip.url!, location.href).href;
      event.dataTransfer.effectAllowed = 'copy';
      event.dataTransfer.setData('DownloadURL', `video/mp4:${clip.fileName}:${url}`);
      event.dataTransfer.setData('text/uri-list', url);
      event.dataTransfer.setData('application/x-hyvideo-take', job.id);
    },
  };
}
