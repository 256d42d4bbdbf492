/** Test helpers: an emulator on loopback and an entity API talking to it over HTTP. */
import { createClient, type Client, type RpcRequest, type TransportStrategy } from "@sg/core";
import { scriptAuth } from "@sg/auth-script";
import { startEmulator, type EmulatorHandle, type EmulatorOptions } from "@sg/emulator";
import { jsonRpcTransport } from "@sg/transport";
import { entityApi, type EntityApi } from "../index.js";
import type { EntityApiOptionsArg } from "../context.js";
import type { DateMode } from "@sg/core";
import type { LooseSchema, SiteSchema } from "../schema-types.js";

/** A running emulator with a client and an API. */
export interface TestSite {
  readonly emulator: EmulatorHandle;
  readonly client: Client;
  readonly api: EntityApi;
  /** Every RPC the client sent (payloads included), in order. */
  readonly sent: RpcRequest[];
  /** Payloads sent for one RPC method. */
  payloads(method: string): unknown[];
  /** Another API over the same client. */
  apiWith<S extends SiteSchema = LooseSchema, D extends DateMode = "date">(...options: EntityApiOptionsArg<D>): EntityApi<S, D>;
  /** A new client over the same emulator (cold caches) with its own record of sent RPCs. */
  freshClient(): { client: Client; sent: RpcRequest[] };
  /** An API whose own client reaches the emulator through `url` (a proxy in front of it); closed with the site. */
  apiVia(url: string): EntityApi;
  /** RPC method names received so far (excluding nothing). */
  methods(): string[];
  close(): Promise<void>;
}

/** Start an emulator and connect a script-authenticated client to it. */
export async function startSite(options: EmulatorOptions = {}): Promise<TestSite> {
  const emulator = await startEmulator({ fixtures: "demo", ...options });
  const script = emulator.card.scripts[0] as { name: string; key: string };
  const inner = jsonRpcTransport();
  const sent: RpcRequest[] = [];
  const transport: TransportStrategy = {
    name: "recording",
    send: (request, context) => {
      sent.push(request);
      return inner.send(request, context);
    },
    http: (request, context) => (inner.http as NonNullable<TransportStrategy["http"]>)(request, context),
    close: () => inner.close?.() ?? Promise.resolve(),
  };
  const client = createClient({ site: emulator.url, transport, auth: scriptAuth({ scriptName: script.name, scriptKey: script.key }) });
  const api = entityApi(client);
  const fresh: Client[] = [];
  return {
    emulator,
    client,
    api,
    sent,
    payloads: (method: string) => sent.filter((r) => r.method === method).map((r) => r.payload),
    apiWith: <S extends SiteSchema = LooseSchema, D extends DateMode = "date">(...o: EntityApiOptionsArg<D>) => entityApi<S, D>(client, ...o),
    freshClient: () => {
      const own: RpcRequest[] = [];
      const recording: TransportStrategy = {
        name: "recording",
        send: (request, context) => {
          own.push(request);
          return inner.send(request, context);
        },
        http: (request, context) => (inner.http as NonNullable<TransportStrategy["http"]>)(request, context),
      };
      const c = createClient({ site: emulator.url, transport: recording, auth: scriptAuth({ scriptName: script.name, scriptKey: script.key }) });
      fresh.push(c);
      return { client: c, sent: own };
    },
    apiVia: (url: string) => {
      const c = createClient({ site: url, transport: jsonRpcTransport(), auth: scriptAuth({ scriptName: script.name, scriptKey: script.key }) });
      fresh.push(c);
      return entityApi(c);
    },
    methods: () => emulator.requests().map((r) => r.method_name ?? r.path),
    close: async () => {
      await Promise.all(fresh.map((c) => c.close()));
      await client.close();
      await emulator.close();
    },
  };
}
