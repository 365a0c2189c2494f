// Dropping a generated MP4 on the studio restores the settings it was made with, read from the generation record
// the encoder embedded in it.
import { useEffect, useState } from 'react';
import { studioClient } from '../ipc/studio-client.js';
import { restoreFromRecord } from '../state/composer-store.js';
import { toast } from '../state/studio-store.js';

function hasFiles(event: DragEvent): boolean {
  return Array.from(event.dataTransfer?.types ?? []).includes('Files');
}

export function useClipDrop(): boolean {
  const [over, setOver] = useState(false);
  useEffect(() => {
    let depth = 0;
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth++;
      setOver(true);
    };
    const leave = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setOver(false);
    };
    const dragOver = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const drop = async (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      setOver(false);
      const file = e.dataTransfer?.files[0];
      if (!file) return;
      if (!/\.(mp4|m4v|mov)$/i.test(file.name)) {
        toast('info', `${file.name} is not an MP4 from the studio.`);
        return;
      }
      const bytes = new Uint8Array(await file.arrayBuffer());
      const result = await studioClient().request('clip.inspect', { name: file.name, bytes });
      if (!result.ok) return toast('error', result.error.message);
      if (!result.value.record) return toast('info', `${file.name} carries no generation record.`);
      restoreFromRecord(result.value.record);
      toast('info', `Settings restored from ${file.name} (seed ${result.value.record.seed}).`);
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragleave', leave);
    window.addEventListener('dragover', dragOver);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('dragover', dragOver);
      window.removeEventListener('drop', drop);
    };
  }, []);
  return over;
}
