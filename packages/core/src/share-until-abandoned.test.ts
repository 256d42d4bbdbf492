import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { SgAbortError } from "./errors.js";
import { shareUntilAbandoned } from "./share-until-abandoned.js";

/** Work that settles only when the test says so, and shows the signal it was given. */
function openWork(): { work: (signal: AbortSignal) => Promise<string>; signal: () => AbortSignal | undefined; finish: (value: string) => void } {
  let given: AbortSignal | undefined;
  let finish = (_value: string): void => {};
  return {
    work: (signal) => {
      given = signal;
      return new Promise<string>((resolve) => (finish = resolve));
    },
    signal: () => given,
    finish: (value) => finish(value),
  };
}

describe("shareUntilAbandoned", () => {
  it("goes on while one joined client is open, and is abandoned when the last one closes", async () => {
    const { work, signal } = openWork();
    let dropped = 0;
    const shared = shareUntilAbandoned(work, () => (dropped += 1));
    const [one, two] = [new AbortController(), new AbortController()];
    const waits = [shared.join(one.signal), shared.join(two.signal), shared.join(two.signal)];
    one.abort(new SgAbortError("@sg/core: one closed"));
    expect(signal()?.aborted).toBe(false);
    expect(dropped).toBe(0);
    const reason = new SgAbortError("@sg/core: two closed");
    two.abort(reason);
    // Dropped at once, so that a call made right after close() starts new work.
    expect(dropped).toBe(1);
    expect(signal()?.aborted).toBe(true);
    for (const wait of waits) await expect(wait).rejects.toBe(reason);
    expect(dropped).toBe(1);
  });

  it("is never abandoned by a client without a close signal, and is dropped once when it settles", async () => {
    const { work, signal, finish } = openWork();
    let dropped = 0;
    const shared = shareUntilAbandoned(work, () => (dropped += 1));
    const closing = new AbortController();
    const waits = [shared.join(closing.signal), shared.join(undefined)];
    closing.abort();
    expect(signal()?.aborted).toBe(false);
    finish("done");
    expect(await Promise.all(waits)).toEqual(["done", "done"]);
    expect(dropped).toBe(1);
  });

  it("keeps nothing per join of one client's calls: only the first join from a close signal subscribes to it", async () => {
    const { work, signal, finish } = openWork();
    let dropped = 0;
    const shared = shareUntilAbandoned(work, () => (dropped += 1));
    const [client, other] = [new AbortController(), new AbortController()];
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const heap = (): number => {
      gc();
      return process.memoryUsage().heapUsed;
    };
    const first = shared.join(client.signal);
    const before = heap();
    // A login pending while a client's calls keep coming (a poll every few ms while a 2FA prompt waits).
    for (let i = 0; i < 100_000; i++) shared.join(client.signal);
    const grown = heap() - before;
    // 100,000 joins: a subscription and an entry kept for each came to ~30 MB; without, a few hundred KB at most.
    expect(grown).toBeLessThan(8 * 1024 * 1024);
    // The client still counts once: its close abandons the work only after the other client's.
    shared.join(other.signal);
    client.abort(new SgAbortError("@sg/core: client closed"));
    expect(signal()?.aborted).toBe(false);
    finish("done");
    expect(await first).toBe("done");
    expect(dropped).toBe(1);
  });
});

