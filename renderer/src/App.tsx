import { Composer } from './composer/Composer.js';
import { useClipDrop } from './drop/use-clip-drop.js';
import { QueuePanel } from './queue/QueuePanel.js';
import { Toasts } from './Toasts.js';
import { TopBar } from './TopBar.js';
import { Viewer } from './viewer/Viewer.js';

export function App() {
  const dropping = useClipDrop();
  return (
    <div className="app">
      <TopBar />
      <main className="workspace">
        <Composer />
        <Viewer />
        <QueuePanel />
      </main>
      {dropping && <div className="drop-overlay"><div>Drop an MP4 from the studio to restore its settings</div></div>}
      <Toasts />
    </div>
  );
}
