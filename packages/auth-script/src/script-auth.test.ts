import { inspect } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createCapturingLogger, findSecrets, rejectionOf } from "@sg/testing";
import { SgAuthError, SgFault, SgValidationError, createClient } from "@sg/core";
import type { Client, Logger } from "@sg/core";
import { jsonRpcTransport } from "@sg/transport";
import { startEmulator } from "@sg/emulator";
import { ScriptErrorCode, SgScriptActivationError, SgScriptAuthError, explainScriptFault, scriptAuth, scriptAuthHint, withScriptHints } from "./index.js";
import type { ScriptAuthOptions } from "./index.js";

type Emulator = Awaited<ReturnType<typeof startEmulator>>;

/** A marker that must never show up anywhere printable. */
const PLANTED_KEY = "f00dfacecafe0123456789abcdef0123456789abcdef0123456789abcdef9999";

describe("scriptAuth options", () => {
  const ok: ScriptAuthOptions = { scriptName: "ingest", scriptKey: PLANTED_KEY };

  it("accepts valid options and keeps the key out of inspect, JSON and toString", () => {
    const auth = scriptAuth({ ...ok, sudoAsLogin: "coord" });
    expect(auth.name).toBe("@sg/auth-script");
    expect(findSecrets(auth, [PLANTED_KEY])).toEqual([]);
    expect(inspect(auth)).toContain("ingest");
    expect(inspect(auth)).toContain("coord");
  });

  it.each([
    [{ scriptKey: PLANTED_KEY }, /scriptName/],
    [{ scriptName: "", scriptKey: PLANTED_KEY }, /scriptName/],
    [{ scriptName: " ingest", scriptKey: PLANTED_KEY }, /scriptName: expected a name without leading or trailing spaces/],
    [{ scriptName: "ingest" }, /scriptKey.*Admin → Scripts/s],
    [{ scriptName: "ingest", scriptKey: `${PLANTED_KEY}\n` }, /scriptKey.*whitespace.*trim/s],
    [{ scriptName: "ingest", scriptKey: "f00dfacecafe" }, /scriptKey: expected an application key of at least 16 characters.*Admin → Scripts/s],
    [{ scriptName: "ingest-script-name", scriptKey: "ingest-script-name" }, /scriptKey: expected the application key, not the script name/],
    [{ scriptName: "ingest", scriptKey: PLANTED_KEY, sudoAsLogin: "" }, /sudoAsLogin/],
    [{ scriptName: "ingest", apiKey: PLANTED_KEY }, /apiKey: expected no such option.*Did you mean 'scriptKey'/s],
    [{ scriptName: "ingest", scriptKey: PLANTED_KEY, sudo_as_login: "coord" }, /Did you mean 'sudoAsLogin'/],
    [null, /options: expected an object/],
    [{ scriptName: PLANTED_KEY, scriptKey: "shotgun_event_daemon" }, /scriptName: expected the script name, not its application key.*swapped with scriptKey/s],
    [{ scriptName: ` ${PLANTED_KEY}`, scriptKey: "shotgun_event_daemon" }, /scriptName: expected the script name, not its application key/s],
  ])("refuses %# synchronously, naming the field and never the key", (options, pattern) => {
    let thrown: unknown;
    try {
      scriptAuth(options as unknown as ScriptAuthOptions);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SgValidationError);
    expect((thrown as Error).message).toMatch(/^@sg\/auth-script: /);
    expect((thrown as Error).message).toMatch(pattern);
    expect(findSecrets(thrown, [PLANTED_KEY])).toEqual([]);
    expect(findSecrets(thrown, ["f00dfacecafe"])).toEqual([]);
  });

  it("points a person's login and short password to @sg/auth-legacy-pat, without echoing the password", () => {
    const password = "coord-pass-1";
    let thrown: unknown;
    try {
      scriptAuth({ scriptName: "coord", scriptKey: password });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SgValidationError);
    expect((thrown as SgValidationError).hint).toMatch(/never the script name or a person's password: a person logs in with legacyLoginAuth from @sg\/auth-legacy-pat\.$/);
    expect(findSecrets(thrown, [password])).toEqual([]);
  });

  it("never echoes a key given as a number (a numeric-looking key parsed from a config file)", () => {
    const thrown = (() => {
      try {
        scriptAuth({ scriptName: "ingest", scriptKey: 4_815_162_342_815_162 as unknown as string });
      } catch (error) {
        return error;
      }
    })();
    expect(thrown).toBeInstanceOf(SgValidationError);
    expect((thrown as SgValidationError).received).toBe("a number ([REDACTED])");
    expect(findSecrets(thrown, ["4815162342815162"])).toEqual([]);
  });
});

const READ_ONE_SHOT = { type: "Shot", filters: { logical_operator: "and", conditions: [] }, return_fields: ["id"], paging: { entities_per_page: 1, current_page: 1 }, return_only: "active" };

describe("scriptAuth against the emulator (default site)", () => {
  let emulator: Emulator;
  let key: string;
  let name: string;
  const clients: Client[] = [];
  const client = (options: Partial<ScriptAuthOptions> = {}, logger?: Logger): Client => {
    const c = createClient({ site: emulator.url, transport: jsonRpcTransport(), auth: scriptAuth({ scriptName: name, scriptKey: key, ...options }), ...(logger ? { logger } : {}) });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    emulator = await startEmulator({ authMode: "default", fixtures: "demo" });
    const script = emulator.card.scripts[0];
    if (!script) throw new Error("the emulator card has no script");
    key = script.key;
    name = script.name;
  });
  beforeEach(() => emulator.reset());
  afterAll(async () => {
    for (const c of clients) await c.close();
    await emulator.close();
  });

  // A key or login copied with a space or tab around it would be sent as is (and refused, or taken as another login).
  it.each([
    ["scriptKey", "a key with a trailing space", () => ({ scriptKey: `${key} ` })],
    ["scriptKey", "a key with a trailing tab", () => ({ scriptKey: `${key}\t` })],
    ["sudoAsLogin", "a login with a leading space", () => ({ sudoAsLogin: " admin" })],
    ["sudoAsLogin", "a login with a trailing space", () => ({ sudoAsLogin: "admin " })],
  ])("refuses %s given as %s before anything is sent", async (field, _label, options: () => Partial<ScriptAuthOptions>) => {
    let thrown: unknown;
    try {
      await client(options()).call("read", READ_ONE_SHOT);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SgValidationError);
    expect((thrown as SgValidationError).path).toEqual([field]);
    expect(findSecrets(thrown, [key])).toEqual([]);
    expect(emulator.requests()).toEqual([]);
  });

  it("reads, summarizes and reads the schema", async () => {
    const sg = client();
    const read = await sg.call<{ entities: { type: string; id: number; code?: string }[] }>("read", {
      type: "Shot",
      return_fields: ["code", "project"],
      filters: { logical_operator: "and", conditions: [] },
      return_only: "active",
      paging: { entities_per_page: 50, current_page: 1 },
    });
    expect(read.entities.length).toBeGreaterThan(0);
    expect(read.entities[0]?.type).toBe("Shot");
    const summary = await sg.call<{ summaries: Record<string, unknown> }>("summarize", {
      type: "Shot",
      filters: { logical_operator: "and", conditions: [] },
      summaries: [{ field: "id", type: "count" }],
    });
    expect(summary.summaries["id"]).toBeGreaterThan(0);
    const schema = await sg.call<Record<string, unknown>>("schema_entity_read", {});
    expect(schema).toHaveProperty("Shot");
  });

  it("creates, updates, deletes, revives and batches", async () => {
    const sg = client();
    const project = emulator.card.projects[0]!;
    const created = await sg.call<{ type: string; id: number; code: string }>("create", {
      type: "Shot",
      fields: [
        { field_name: "code", value: "script_shot_010" },
        { field_name: "project", value: { type: "Project", id: project.id } },
      ],
      return_fields: ["code"],
    });
    expect(created).toMatchObject({ type: "Shot", code: "script_shot_010" });
    const updated = await sg.call<{ description?: string }>("update", {
      type: "Shot",
      id: created.id,
      fields: [{ field_name: "description", value: "set by a script" }],
    });
    expect(updated).toMatchObject({ description: "set by a script" });
    expect(await sg.call("delete", { type: "Shot", id: created.id })).toBe(true);
    expect(await sg.call("revive", { type: "Shot", id: created.id })).toBe(true);
    const batch = await sg.call<unknown[]>("batch", [
      { request_type: "create", type: "Shot", fields: [{ field_name: "code", value: "script_shot_020" }, { field_name: "project", value: { type: "Project", id: project.id } }], return_fields: ["id"] },
      { request_type: "delete", type: "Shot", id: created.id },
    ]);
    expect(batch).toHaveLength(2);
    expect(batch[1]).toBe(true);
  });

  it("acts as a person with sudoAsLogin", async () => {
    const sg = client({ sudoAsLogin: "coord" });
    const project = emulator.card.projects[0]!;
    const created = await sg.call<{ id: number; created_by?: { type: string; id: number; name?: string } }>("create", {
      type: "Shot",
      fields: [{ field_name: "code", value: "sudo_shot" }, { field_name: "project", value: { type: "Project", id: project.id } }],
      return_fields: ["created_by"],
    });
    expect(created.created_by?.type).toBe("HumanUser");
    const sent = emulator.requests().filter((r) => r.method_name === "create");
    expect(sent.at(-1)?.sudoAsLogin).toBe("coord");
  });

  it("explains a wrong key without retrying and without echoing it", async () => {
    const logger = createCapturingLogger();
    const sg = createClient({ site: emulator.url, transport: jsonRpcTransport(), auth: scriptAuth({ scriptName: name, scriptKey: PLANTED_KEY }), logger });
    clients.push(sg);
    const error = await rejectionOf(sg.call("read", { type: "Shot", filters: { logical_operator: "and", conditions: [] }, return_fields: ["id"], paging: { entities_per_page: 1, current_page: 1 }, return_only: "active" }));
    expect(error).toBeInstanceOf(SgScriptAuthError);
    expect(error).toBeInstanceOf(SgAuthError);
    const e = error as SgScriptAuthError;
    expect(e.code).toBe(ScriptErrorCode.REJECTED);
    expect(e.message).toContain(`script '${name}'`);
    expect(e.message).toContain("Admin → Scripts");
    expect(e.errorCode).toBe(102);
    expect(findSecrets(e, [PLANTED_KEY])).toEqual([]);
    expect(logger.text().join("\n")).not.toContain(PLANTED_KEY);
    expect(emulator.requests().filter((r) => r.method_name === "read")).toHaveLength(1);
    expect(e.hint).not.toContain("@sg/auth-legacy-pat");
  });

  it("points a person's login (an email) given as scriptName to @sg/auth-legacy-pat", async () => {
    // The site answers a name that is no script the same whoever it belongs to: "Can't authenticate script '…'".
    const login = "jane.doe@example.com";
    const password = "a-persons-passphrase-1";
    const sg = createClient({ site: emulator.url, transport: jsonRpcTransport(), auth: scriptAuth({ scriptName: login, scriptKey: password }) });
    clients.push(sg);
    const error = await rejectionOf(sg.call("read", READ_ONE_SHOT));
    expect(error).toBeInstanceOf(SgScriptAuthError);
    const e = error as SgScriptAuthError;
    expect(e.code).toBe(ScriptErrorCode.REJECTED);
    expect(e.serverMessage).toBe(`Can't authenticate script '${login}'`);
    expect(e.hint).toMatch(/ 'jane\.doe@example\.com' looks like a person's login: a person logs in with legacyLoginAuth from @sg\/auth-legacy-pat\.$/);
    expect(findSecrets(e, [password])).toEqual([]);
  });

  it.each([
    ["inactive", ScriptErrorCode.SUDO_INACTIVE_USER, /'inactive'.*inactive.*Active under Admin → People/s],
    ["nobody-here", ScriptErrorCode.SUDO_UNKNOWN_USER, /'nobody-here'.*no HumanUser has that login.*spelling/s],
    ["private", ScriptErrorCode.SUDO_NOT_ALLOWED, /'private'.*does not allow being impersonated.*Can impersonate this user/s],
  ])("explains the sudo refusal for '%s'", async (login, code, pattern) => {
    const sg = client({ sudoAsLogin: login });
    const error = await rejectionOf(sg.call("read", { type: "Shot", filters: { logical_operator: "and", conditions: [] }, return_fields: ["id"], paging: { entities_per_page: 1, current_page: 1 }, return_only: "active" }));
    expect(error).toBeInstanceOf(SgScriptAuthError);
    expect((error as SgScriptAuthError).code).toBe(code);
    expect((error as Error).message).toMatch(pattern);
    expect(findSecrets(error, [key])).toEqual([]);
    expect(emulator.requests().filter((r) => r.method_name === "read")).toHaveLength(1);
  });

  it("a role without 'sudo' is a permission fault: call() passes it through, withScriptHints explains it", async () => {
    const refusal = { method: "read", errorCode: 104, message: `The user does not have permission to 'sudo': '${name}' may not act as 'coord'` };
    emulator.injectFault(refusal);
    const raw = await rejectionOf(client({ sudoAsLogin: "coord" }).call("read", READ_ONE_SHOT));
    expect(raw).toBeInstanceOf(SgFault);
    expect(raw).not.toBeInstanceOf(SgScriptAuthError);
    emulator.injectFault(refusal);
    const hinted = withScriptHints(client({ sudoAsLogin: "coord" }), { scriptName: name, sudoAsLogin: "coord" });
    const error = await rejectionOf(hinted.call("read", READ_ONE_SHOT));
    expect(error).toBeInstanceOf(SgScriptAuthError);
    expect((error as SgScriptAuthError).code).toBe(ScriptErrorCode.SUDO_FORBIDDEN);
    expect(findSecrets(error, [key])).toEqual([]);
  });

  it("a fault about writing can_impersonate_this_user is no sudo refusal: withScriptHints and explainScriptFault pass it through", async () => {
    const sg = withScriptHints(client(), { scriptName: name });
    const user = await sg.call<{ entities: { id: number }[] }>("read", { ...READ_ONE_SHOT, type: "HumanUser" });
    const raw = await rejectionOf(sg.call("update", { type: "HumanUser", id: user.entities[0]!.id, fields: [{ field_name: "can_impersonate_this_user", value: false }] }));
    expect(raw).toBeInstanceOf(SgFault);
    expect(raw).not.toBeInstanceOf(SgScriptAuthError);
    expect(raw).toMatchObject({ code: "SG_FAULT", errorCode: 104, serverMessage: expect.stringMatching(/can_impersonate_this_user is not writable through the API/) });
    expect(explainScriptFault(raw, { scriptName: name, sudoAsLogin: "coord" })).toBe(raw);
  });

  it("leaves unrelated faults alone", async () => {
    const sg = client();
    const error = await rejectionOf(sg.call("read", { type: "NoSuchEntity", filters: { logical_operator: "and", conditions: [] }, return_fields: ["id"], paging: { entities_per_page: 1, current_page: 1 }, return_only: "active" }));
    expect(error).toBeInstanceOf(SgFault);
    expect(explainScriptFault(error)).toBe(error);
    expect(scriptAuthHint(error)).toBeUndefined();
  });
});

describe("scriptAuth on an Autodesk Identity site", () => {
  let emulator: Emulator;
  let sg: Client;
  let inactiveId: number;

  beforeAll(async () => {
    emulator = await startEmulator({ authMode: "identity", fixtures: "demo" });
    const script = emulator.card.scripts[0]!;
    sg = createClient({ site: emulator.url, transport: jsonRpcTransport(), auth: scriptAuth({ scriptName: script.name, scriptKey: script.key }) });
  });
  beforeEach(async () => {
    emulator.reset();
    const found = await sg.call<{ entities: { id: number }[] }>("read", {
      type: "HumanUser",
      filters: { logical_operator: "and", conditions: [{ path: "login", relation: "is", values: ["inactive"] }] },
      return_fields: ["id"],
      return_only: "active",
      paging: { entities_per_page: 1, current_page: 1 },
    });
    inactiveId = found.entities[0]!.id;
  });
  afterAll(async () => {
    await sg.close();
    await emulator.close();
  });

  const activate = (client: Client): Promise<unknown> =>
    client.call("update", { type: "HumanUser", id: inactiveId, fields: [{ field_name: "sg_status_list", value: "act" }] });

  it("works as usual for scripts (reads and writes)", async () => {
    const project = emulator.card.projects[0]!;
    const created = await sg.call<{ id: number }>("create", {
      type: "Shot",
      fields: [{ field_name: "code", value: "identity_shot" }, { field_name: "project", value: { type: "Project", id: project.id } }],
    });
    expect(created.id).toBeGreaterThan(0);
  });

  it("turns the activation rule into an error that points to @sg/auth-legacy-pat", async () => {
    const raw = await rejectionOf(activate(sg));
    expect(raw).toBeInstanceOf(SgFault);
    const explained = explainScriptFault(raw, { scriptName: "emulator_script" });
    expect(explained).toBeInstanceOf(SgScriptActivationError);
    expect(explained).toBeInstanceOf(SgFault);
    const e = explained as SgScriptActivationError;
    expect(e.code).toBe("SG_SCRIPT_CANNOT_ACTIVATE_USER");
    expect(e.message).toContain("may not activate HumanUsers");
    expect(e.hint).toContain("@sg/auth-legacy-pat");
    expect(e.hint).toContain("valid Personal Access Token");
    expect(e.hint).toContain("without sudoAsLogin");
    expect(scriptAuthHint(raw)).toBe(e.hint);
    expect(findSecrets(e, [emulator.card.scripts[0]!.key])).toEqual([]);
  });

  it("withScriptHints gives the same error straight from call(), also through sudo", async () => {
    const script = emulator.card.scripts[0]!;
    const hinted = withScriptHints(createClient({ site: emulator.url, transport: jsonRpcTransport(), auth: scriptAuth({ scriptName: script.name, scriptKey: script.key, sudoAsLogin: "admin" }) }), {
      scriptName: script.name,
      sudoAsLogin: "admin",
    });
    const error = await rejectionOf(activate(hinted));
    expect(error).toBeInstanceOf(SgScriptActivationError);
    expect((error as Error).message).toContain("not even through sudoAsLogin");
    expect(inspect(hinted)).not.toContain(script.key);
    await hinted.close();
  });
});
