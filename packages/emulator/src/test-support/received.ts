import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';

/**
 * Resolves once the in-process emulator has received the whole body of the next request to `path`. The emulator
 * fixes the request's answer time and does its work in the same turn as the body's 'end' (before any I/O or
 * timer), so after this the request is applied (or waiting out an injected delay) and its latency no longer
 * depends on `setLatency`.
 */
export function received(path: string): Promise<void> {
  return new Promise((resolve) => {
    const onStart = (message: unknown): void => {
      const request = (message as { request: IncomingMessage }).request;
      if (request.url !== path) return;
      unsubscribe('http.server.request.start', onStart);
      request.once('end', () => setImmediate(resolve));
    };
    subscribe('http.server.request.start', onStart);
  });
}
