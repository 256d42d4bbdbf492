import { request, type OutgoingHttpHeaders } from 'node:http';

/** A status and a body read as UTF-8. */
export interface Answer {
  status: number;
  body: string;
}

/**
 * One request over a real socket to 127.0.0.1:`port`, with exactly the headers given (node:http adds only
 * `Host` when none is given, and `Content-Length` for a body).
 */
export function send(port: number, method: string, path: string, headers: OutgoingHttpHeaders, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: { connection: 'close', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** What a cross-site page's `fetch(url, { method: 'POST', mode: 'no-cors', body })` sends besides the body. */
export const crossSitePage: OutgoingHttpHeaders = {
  origin: 'https://evil.example',
  'sec-fetch-site': 'cross-site',
  'sec-fetch-mode': 'no-cors',
  'content-type': 'text/plain;charset=UTF-8',
};
