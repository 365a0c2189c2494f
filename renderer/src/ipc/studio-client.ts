// The page's one client, set once at start-up (main.tsx) and used by the components.
import type { StudioClient } from '../../../electron/shared/ipc/client.js';

let client: StudioClient | null = null;

export function setStudioClient(value: StudioClient): void {
  client = value;
}

export function studioClient(): StudioClient {
  if (!client) throw new Error('The studio client is not connected yet.');
  return client;
}
