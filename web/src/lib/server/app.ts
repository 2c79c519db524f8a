// The in-process API: one Hono app (and one database handle) per process. openApp() migrates the
// database and seeds the first admin. Kept on globalThis so that Vite's module reloads in dev do not
// open a second PGlite on the same data directory (PGlite allows one opener per directory).
import { openApp } from '@qingfeng/api';

type Opened = Awaited<ReturnType<typeof openApp>>;
const slot = globalThis as typeof globalThis & { __qingfengApp?: Promise<Opened> };

export function getApp(): Promise<Opened> {
  if (!slot.__qingfengApp) {
    slot.__qingfengApp = openApp().then((opened) => {
      // adapter-node emits this after the HTTP server has closed (SIGINT/SIGTERM).
      process.once('sveltekit:shutdown' as 'beforeExit', () => void opened.handle.close());
      return opened;
    });
    // A failed start must not be cached: the next request tries again and shows the error.
    slot.__qingfengApp.catch((err) => {
      console.error('[web] 无法启动 API：', err);
      slot.__qingfengApp = undefined;
    });
  }
  return slot.__qingfengApp;
}

/** The API's remote base URL when the web runs against a separately deployed API. */
export function remoteApiUrl(): string | null {
  const url = process.env.QINGFENG_API_URL?.trim();
  return url ? url.replace(/\/+$/, '') : null;
}
