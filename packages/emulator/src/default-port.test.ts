import { describe, expect, it } from 'vitest';
import { startEmulator } from './server.js';
import { send } from './test-support/raw-request.js';
import type { EmulatorHandle } from './types.js';

// At port 80 the site's URL has no port, as `new URL` writes it: shotgun_api3 sets its `_session_id` cookie for
// `domain=<host:port>`, which Python's cookie jar matches only against a request host without a port, so its
// download_attachment authenticates against a portless site URL only.
describe('a site on the default http port', () => {
  it('names itself without :80 in the card, the handle and the links it hands out', async (ctx) => {
    let h: EmulatorHandle;
    try {
      h = await startEmulator({ port: 80 });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EADDRINUSE') return ctx.skip(`port 80 cannot be bound here (${code})`);
      throw err;
    }
    try {
      expect(h.card.url).toBe('http://127.0.0.1');
      expect(h.url).toBe('http://127.0.0.1');
      const form = new URLSearchParams({ script_name: h.card.scripts[0]!.name, script_key: h.card.scripts[0]!.key, filename: 'a.bin' }).toString();
      const headers = { 'content-type': 'application/x-www-form-urlencoded' };
      // A client that names the port anyway (`Host: 127.0.0.1:80`) gets portless links too.
      for (const host of ['127.0.0.1', '127.0.0.1:80']) {
        const info = await send(80, 'POST', '/upload/api_get_upload_link_info', { ...headers, host }, form);
        expect(info.body.split('\n')[1]).toMatch(/^http:\/\/127\.0\.0\.1\/upload\/storage\//);
      }
    } finally {
      await h.close();
    }
  });
});
