// What the composer's buttons (and the menu's shortcuts) do.
import { IpcRequestError } from '../../../electron/shared/ipc/client.js';
import { studioClient } from '../ipc/studio-client.js';
import { buildRequest, randomSeed, useComposer } from '../state/composer-store.js';
import { selectJob, toast, useStudio } from '../state/studio-store.js';

export function currentPack() {
  const { packs } = useStudio.getState();
  const { packId } = useComposer.getState();
  return packs.find((p) => p.id === packId) ?? packs[0];
}

export async function generate(): Promise<void> {
  const composer = useComposer.getState();
  if (!composer.fields.short?.trim() && !composer.fields.dense?.trim()) {
    toast('info', 'Describe the shot first.');
    document.getElementById('field-short')?.focus();
    return;
  }
  try {
    const { jobId } = await studioClient().call('jobs.submit', { request: buildRequest(composer, currentPack()) });
    selectJob(jobId);
  } catch (error) {
    const detail = error instanceof IpcRequestError && error.issues?.length ? ` (${error.issues.map((i) => `${i.path}: ${i.message}`).join('; ')})` : '';
    toast('error', `Could not queue the shot: ${(error as Error).message}${detail}`);
  }
}

export function newSeed(): void {
  useComposer.setState({ seed: randomSeed() });
}

export async function toggleQueuePause(): Promise<void> {
  const paused = useStudio.getState().queue.paused;
  const queue = await studioClient().call(paused ? 'queue.resume' : 'queue.pause', {});
  useStudio.setState({ queue });
}
