import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A valid `read` of ~120 MB whose params held a list of numbers (`"pad":[0,0,…]`) killed the emulator with a heap
// OOM: the nesting check kept an `[item, depth]` pair per number (after copying each list), and the body was parsed
// twice (for the request log and for dispatch). Run with a small heap, the old code dies on 2 million numbers (a
// 4 MB body); now it answers, and still refuses a value nested too deep.

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
let child: ChildProcess;
let card: { url: string; scripts: { name: string; key: string }[] };

beforeAll(async () => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: build the emulator first (npm run build -w @sg/emulator)`);
  child = spawn(process.execPath, ['--max-old-space-size=160', cli, '--fixtures', 'demo'], { stdio: ['ignore', 'pipe', 'inherit'] });
  child.stdout?.setEncoding('utf8');
  let out = '';
  card = JSON.parse(
    await new Promise<string>((resolve, reject) => {
      child.stdout?.on('data', (chunk: string) => {
        out += chunk;
        if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
      });
      child.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
    }),
  ) as typeof card;
});

afterAll(async () => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
});

/** POSTs `body` to /api3/json over a real socket; the status and the reply's JSON. */
function post(body: string): Promise<{ status: number; reply: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(`${card.url}/api3/json`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, reply: JSON.parse(text) as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const envelope = (payload: string): string => {
  const auth = { script_name: card.scripts[0]!.name, script_key: card.scripts[0]!.key };
  return `{"method_name":"read","params":[${JSON.stringify(auth)},${payload}]}`;
};

describe('a JSON body of millions of values, on a 160 MB heap', { timeout: 60_000 }, () => {
  it('is answered (a read with a list of 2,000,000 numbers beside its arguments)', async () => {
    const pad = `[${'0,'.repeat(1_999_999)}0]`;
    const { status, reply } = await post(envelope(`{"type":"Shot","return_fields":["code"],"paging":{"entities_per_page":2,"current_page":1},"pad":${pad}}`));
    expect(status).toBe(200);
    expect((reply['results'] as { entities: unknown[] }).entities).toHaveLength(2);
    expect(child.exitCode).toBeNull();
  });

  it('still refuses params nested deeper than 1,000 levels, and takes 1,000 (params, the hash, 998 lists)', async () => {
    const deep = (levels: number): string => `{"type":"Shot","return_fields":["code"],"pad":${'['.repeat(levels)}0${']'.repeat(levels)}}`;
    expect((await post(envelope(deep(998)))).reply['exception']).toBeUndefined();
    expect((await post(envelope(deep(999)))).reply).toEqual({
      exception: true,
      error_code: 103,
      message: "'params' holds a value nested too deep: lists and hashes nest at most 1000 levels",
    });
  });
});
