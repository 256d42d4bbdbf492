import { execFileSync } from 'node:child_process';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { existsSync, readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startEmulator } from './server.js';

const BURST = 1000;
/** The kernel caps a listen backlog at net.core.somaxconn (4096 since Linux 5.4); below the burst, this cannot pass. */
const SOMAXCONN = '/proc/sys/net/core/somaxconn';
const roomy = existsSync(SOMAXCONN) && Number(readFileSync(SOMAXCONN, 'utf8')) > BURST;

// A client connecting 1,000 sockets at once (a test's Promise.all of 1,000 calls) while the emulator's event loop is
// busy: the kernel queues the connections until the emulator accepts them, and drops the SYNs beyond the queue's
// length; those clients retry only 1, 3, 7… s later, and some end in ECONNRESET. The queue must hold the burst.
describe.runIf(roomy)('a burst of connections', () => {
  it(`queues ${BURST} connections made while the emulator is busy, and accepts them all`, async () => {
    const h = await startEmulator({});
    const port = Number(new URL(h.url).port);
    const accepted: Socket[] = [];
    const onSocket = (message: unknown): void => {
      const socket = (message as { socket: Socket }).socket;
      if (socket.localPort === port) accepted.push(socket);
    };
    subscribe('net.server.socket', onSocket);
    try {
      // Another process connects while this one (the emulator's) is blocked, so nothing is accepted meanwhile. It
      // exits once every socket is connected (its SYN answered by the kernel), or after 20 s if some never are.
      const connected = execFileSync(
        process.execPath,
        [
          '-e',
          `const net = require('node:net'); let n = 0;
           const done = () => { process.stdout.write(String(n)); process.exit(0); };
           setTimeout(done, 20000);
           for (let i = 0; i < ${BURST}; i++) net.connect(${port}, '127.0.0.1', () => ++n === ${BURST} && done()).on('error', () => {});`,
        ],
        { encoding: 'utf8' },
      );
      expect(Number(connected)).toBe(BURST);
      // The queue is accepted in order: once a connection made after the burst is accepted, so is every queued one.
      const sentinel = connect(port, '127.0.0.1');
      await new Promise<void>((resolve) => sentinel.once('connect', resolve));
      while (!accepted.some((s) => s.remotePort === sentinel.localPort)) await new Promise((resolve) => setTimeout(resolve, 10));
      sentinel.destroy();
      expect(accepted.length - 1).toBe(BURST);
    } finally {
      unsubscribe('net.server.socket', onSocket);
      for (const socket of accepted) socket.destroy();
      await h.close();
    }
  }, 60_000);
});
