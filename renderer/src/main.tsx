import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { generate, newSeed, toggleQueuePause } from './composer/actions.js';
import { connectStudio } from './ipc/connect.js';
import { setStudioClient } from './ipc/studio-client.js';
import { refreshAll, toast, useStudio, wireEvents } from './state/studio-store.js';
import './styles.css';

const client = connectStudio((connection) => {
  const before = useStudio.getState().connection;
  useStudio.setState({ connection });
  // Events sent while the connection was down are lost: reload the whole picture.
  if (connection === 'open' && before === 'lost') void refreshAll(client).catch(() => undefined);
});
setStudioClient(client);
wireEvents(client);
client.on('menu.command', ({ command }) => {
  if (command === 'generate') void generate();
  else if (command === 'new-seed') newSeed();
  else if (command === 'toggle-queue-pause') void toggleQueuePause();
  else if (command === 'focus-prompt') document.getElementById('field-short')?.focus();
});

if (!window.hyvStudio) {
  // The desktop app's menu owns the shortcuts; in a browser the page handles its own.
  window.addEventListener('keydown', (e) => {
    const mod = e.metaKey || e.ctrlKey;
    if (mod && e.key === 'Enter') {
      e.preventDefault();
      void generate();
    } else if (mod && e.shiftKey && e.key.toLowerCase() === 'p') {
      e.preventDefault();
      void toggleQueuePause();
    }
  });
}

refreshAll(client).catch((error: Error) => toast('error', `Could not reach the studio: ${error.message}`));

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
