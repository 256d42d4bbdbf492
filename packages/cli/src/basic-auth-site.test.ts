import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { startEmulator, type EmulatorHandle } from "@sg/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sgRunner } from "./test-support/run-sg.js";

const runner = sgRunner();
const sg = runner.run;
const BASIC = `Basic ${Buffer.from("gate:gate-pass-1").toString("base64")}`;

let site: EmulatorHandle;
let gate: Server;
let gateUrl = "";
const refused: string[] = [];

beforeAll(async () => {
  site = await startEmulator({ fixtures: "demo" });
  const target = new URL(site.url);
  // A basic-auth gate in front of the site, as some studios put one: every request without its login is a 401.
  gate = createServer((req, res) => {
    if (req.headers.authorization !== BASIC) {
      refused.push(`${req.method} ${req.url}`);
      res.writeHead(401, { "www-authenticate": 'Basic realm="gate"' }).end();
      return;
    }
    const { authorization: _authorization, ...headers } = req.headers;
    const upstream = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => gate.listen(0, "127.0.0.1", resolve));
  gateUrl = `http://gate:gate-pass-1@127.0.0.1:${(gate.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => gate?.close(resolve));
  await site?.close();
  runner.cleanup();
});

describe("a site behind a basic-auth gate (user:pass@ in --site)", () => {
  it("sg doctor's info check and sg login keep the gate's login", async () => {
    const doctor = await sg(["doctor", "--site", gateUrl, "--login", "coord", "--password", "coord-pass-1"], {});
    expect(doctor.code, doctor.stdout + doctor.stderr).toBe(0);
    const login = await sg(["login", "--site", gateUrl, "--login", "coord", "--password", "coord-pass-1"], {});
    expect(login.code, login.stderr).toBe(0);
    expect(refused).toEqual([]);
    for (const text of [doctor.stdout, doctor.stderr, login.stdout, login.stderr]) expect(text).not.toContain("gate-pass-1");
  });
});
