/**
 * `http()` with `responseBody: "stream"`: a body its caller drops — neither read to its end nor cancelled — is let go
 * once its stream is collected (the connection closes), instead of holding the connection until the transfer deadline
 * (30 minutes by default). A node:http server on 127.0.0.1 sends part of a body and then holds the connection open.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { jsonRpcTransport } from "./index.js";
import { contextFor, useTestServers } from "./test-support/server.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const serve = useTestServers();

describe("http(): a streamed body dropped by its caller", () => {
  it("is let go once collected: its connection closes long before the deadline", async () => {
    let closed = (): void => {};
    const hungUp = new Promise<true>((resolve) => (closed = () => resolve(true)));
    const server = await serve((_req, res, raw) => {
      raw.socket.once("close", closed);
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(4 * 1024 * 1024) });
      res.write(Buffer.alloc(256 * 1024, 7));
    });
    const http = jsonRpcTransport().http!;
    // Opened and dropped in a frame of its own, so that nothing of this test keeps it.
    const size = await (async () => (await http({ method: "GET", target: "/f", kind: "read", responseBody: "stream" }, contextFor(server.url))).headers.get("content-length"))();
    expect(size).toBe(String(4 * 1024 * 1024));
    let over = false;
    const collecting = (async (): Promise<false> => {
      for (let i = 0; i < 200 && !over; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        gc();
      }
      return false;
    })();
    // Without the fix the connection stays open until the deadline (30 min): the stream was never collected.
    const outcome = await Promise.race([hungUp, collecting]);
    over = true;
    expect(outcome).toBe(true);
  }, 30_000);
});
