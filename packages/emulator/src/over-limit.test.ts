import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from './http-util.js';
import { startHarness, type Harness } from './test-support/harness.js';

// With `Expect: 100-continue` and a Content-Length over the limit, Node sent `100 Continue` and made the client send
// the whole body before the 413; and a 413 was neither in the request log nor in the logger's lines.

let t: Harness;
let port: number;
const lines: string[] = [];
beforeAll(async () => {
  t = await startHarness({ logger: (line) => lines.push(line) });
  port = Number(new URL(t.h.url).port);
});
afterAll(() => t.h.close());

const TOO_LARGE = `Request body too large (over ${MAX_BODY_BYTES} bytes)`;

describe('a body over the limit', () => {
  it('announced with Expect: 100-continue is answered 413 at once, without a 100 Continue, and logged', async () => {
    const socket = connect(port, '127.0.0.1');
    socket.write(`POST /api3/json HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${MAX_BODY_BYTES + 1}\r\nExpect: 100-continue\r\n\r\n`);
    socket.setEncoding('latin1');
    // The first line the server sends: Node's 100 Continue came before, asking for the 256 MB.
    let received: string = await new Promise((resolve, reject) => {
      socket.once('data', resolve);
      socket.once('error', reject);
    });
    expect(received.split('\r\n')[0]).toBe('HTTP/1.1 413 Payload Too Large');
    await new Promise<void>((resolve, reject) => {
      socket.on('data', (c: string) => (received += c));
      socket.on('end', resolve);
      socket.on('error', reject);
    });
    expect(received.endsWith(`\r\n\r\n${TOO_LARGE}`)).toBe(true);
    expect(t.h.requests().at(-1)).toMatchObject({ httpMethod: 'POST', path: '/api3/json', status: 413 });
    expect(lines.at(-1)).toBe('POST /api3/json → 413');
  });

  it('sent without Expect is read to its end, answered 413 and logged', { timeout: 60_000 }, async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'PUT', path: '/upload/storage/x', headers: { 'content-length': MAX_BODY_BYTES + 1 } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(1 << 20);
      let left = MAX_BODY_BYTES + 1;
      const pump = (): void => {
        while (left > 0) {
          const n = Math.min(left, chunk.length);
          left -= n;
          if (!req.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    expect(status).toBe(413);
    expect(t.h.requests().at(-1)).toMatchObject({ httpMethod: 'PUT', path: '/upload/storage/x', status: 413 });
    expect(lines.at(-1)).toBe('PUT /upload/storage/x → 413');
  });

  it('announced with Expect: 100-continue but within the limit gets its 100 Continue and is answered', async () => {
    const body = JSON.stringify({ method_name: 'info', params: [] });
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/api3/json', headers: { expect: '100-continue', 'content-length': body.length } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('continue', () => req.end(body));
      req.on('error', reject);
    });
    expect(status).toBe(200);
  });
});
