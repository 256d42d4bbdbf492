// A consumer program over the public surface of every @sg/* package, compiled by ts-floor.test.mjs with the oldest
// TypeScript we support (skipLibCheck false). It is only type-checked, never run. `./sg-schema.js` is what `sg typegen`
// writes for the emulator's schema; the test writes it next to this file.
import { createClient, SgError, SgAuthError, SgFault, SgHttpError, SgNetworkError, SgTimeoutError, SgAbortError, SgValidationError, SgProtocolError, encodeFilters, parseSite, type Client, type AuthStrategy, type TransportStrategy, type Filter } from "@sg/core";
import { jsonRpcTransport, jsonRpcCallTransport, SgTlsError, createRetryBudget, type JsonRpcTransportOptions } from "@sg/transport";
import { scriptAuth, SgScriptAuthError } from "@sg/auth-script";
import { legacyLoginAuth, authenticateHumanUser } from "@sg/auth-legacy-pat";
import { sessionAuth, browserLogin, SgSessionError } from "@sg/auth-session";
import { entityApi, entityContext, find, findOne, iterate, create, update, batch, summarize, f, SgPartialWriteError, type FoundRecord, type LooseSchema, type EntityApi } from "@sg/entities";
import { startEmulator, DEMO_SCRIPT_KEY, FaultCode, parseEmulatorArgs, type EmulatorHandle, type EmulatorOptions } from "@sg/emulator";
import { runCli, processIo, generateSchemaTypes, CredentialsStore, exitCodeFor, UsageError, createWriter, type RawSiteSchema } from "@sg/cli";
import { checkAuthStrategy, formatReport, createCapturingLogger } from "@sg/testing";
import { sgFieldTypes, type SgSchema } from "./sg-schema.js";

export async function main(): Promise<void> {
  const options: EmulatorOptions = { authMode: "default" };
  const site: EmulatorHandle = await startEmulator(options);
  const transportOptions: JsonRpcTransportOptions = { retry: { maxAttempts: 2 } };
  const transport: TransportStrategy = jsonRpcTransport(transportOptions);
  const auth: AuthStrategy = scriptAuth({ scriptName: "demo", scriptKey: DEMO_SCRIPT_KEY });
  const client: Client = createClient({ site: site.url, transport, auth });
  const other = createClient({ site: site.url, transport: jsonRpcCallTransport(), auth: legacyLoginAuth({ login: "coord", password: "pw" }) });
  const third = createClient({ site: site.url, transport, auth: sessionAuth({ sessionToken: "tok", refresh: async () => "tok2" }) });

  // Typed schema from `sg typegen`.
  const sg: EntityApi<SgSchema> = entityApi<SgSchema>(client, { fieldTypes: sgFieldTypes });
  const shots = await sg.find("Shot", [["sg_status_list", "is", "ip"], f.is("code", "sh010")], ["code", "sg_status_list", "sg_sequence.Sequence.code"], { order: ["-code"], limit: 10 });
  const first = shots[0];
  if (first) {
    const code: string | null = first.code;
    const status: "cbb" | "fin" | "hld" | "ip" | "omt" | "rdy" | "wtg" | null = first.sg_status_list;
    const id: number = first.id;
    void code; void status; void id;
  }
  const one = await sg.findOne("Shot", [["id", "is", 1]], ["code"]);
  const created = await sg.create("Shot", { code: "sh999", project: { type: "Project", id: 1 } }, ["code"]);
  const createdId: number = created.id;
  await sg.update("Shot", createdId, { sg_status_list: "fin" });
  const results = await sg.batch([
    { request_type: "create", entity_type: "Shot", data: { code: "b1", project: { type: "Project", id: 1 } } },
    { request_type: "update", entity_type: "Shot", entity_id: createdId, data: { description: "x" } },
    { request_type: "delete", entity_type: "Shot", entity_id: createdId },
  ] as const);
  const summary = await sg.summarize("Shot", [], [{ field: "id", type: "count" }], { grouping: [{ field: "sg_status_list", type: "exact", direction: "asc" }] });
  for await (const task of iterate(sg, "Task", [f.inLast("updated_at", 2, "DAY")], ["content"], { concurrency: 2 })) console.log(task.content);

  // Standalone functions over a typed context.
  const ctx = entityContext<SgSchema>(client, { fieldTypes: sgFieldTypes });
  const versions = await find(ctx, "Version", [], ["code", "entity"]);
  const v1 = await findOne(ctx, "Version", [], ["code"]);
  await update(ctx, "Version", 1, { code: "v1" });
  await create(ctx, "Version", { code: "v2", project: { type: "Project", id: 1 } });
  await batch(ctx, [{ request_type: "delete", entity_type: "Version", entity_id: 9 }]);
  await summarize(ctx, "Version", [], [{ field: "id", type: "count" }]);
  type V = FoundRecord<SgSchema, "Version", readonly ["code"]>;
  const v: V | null = v1;

  // Loose use.
  const loose = entityApi(other);
  const rows = await loose.find("Anything", [["x", "is", 1]], ["a", "b"]);

  // Links and attachments declared as interfaces (the emulator's SiteCardProject is one): no implicit index signature.
  const project = site.card.projects[0]!;
  await loose.find("Shot", [["project", "is", project], ["project", "in", [project]]], ["code"]);
  await sg.summarize("Shot", [["project", "is", project]], [{ field: "id", type: "count" }]);
  const attachment: AttachmentRef = { type: "Attachment", id: 1, url: "https://example.com/a" };
  await sg.downloadAttachment(attachment);
  const properties: FieldProperties = { description: "notes", visible: true };
  await sg.schemaFieldCreate("Shot", "text", "Notes", properties);
  await loose.schemaFieldUpdate("Shot", "sg_notes", properties);
  await loose.navExpand("/Project/1", { seedEntityField: project });
  const movie: MovieLink = { url: "https://example.com/m.mov", name: "m.mov", link_type: "web" };
  await sg.update("Version", 1, { sg_uploaded_movie: movie });
  const looseRow: Record<string, unknown> | undefined = rows[0];
  const looseCtx = entityContext<LooseSchema>(third);
  await find(looseCtx, "Shot", [], ["code"]);

  // Errors.
  try {
    await sg.find("Shot", [], ["code"]);
  } catch (e) {
    if (e instanceof SgPartialWriteError) console.log(e.message);
    else if (e instanceof SgFault) console.log(e.code);
    else if (e instanceof SgAuthError || e instanceof SgScriptAuthError || e instanceof SgSessionError) console.log(e.hint);
    else if (e instanceof SgTimeoutError || e instanceof SgAbortError || e instanceof SgNetworkError || e instanceof SgHttpError || e instanceof SgTlsError) console.log(e.maybeSent);
    else if (e instanceof SgValidationError || e instanceof SgProtocolError) console.log(e.toJSON());
    else if (e instanceof SgError) console.log(e.code);
  }
  const filters: Filter[] = [["code", "is", "x"]];
  encodeFilters(filters);
  parseSite("https://x.shotgrid.autodesk.com");
  createRetryBudget();
  await authenticateHumanUser(client, { login: "a", password: "b" });
  void browserLogin;

  // Emulator's other pieces, CLI and testing kits.
  void FaultCode; void parseEmulatorArgs(["--port", "0"]);
  const raw: RawSiteSchema = {};
  const text: string = generateSchemaTypes(raw);
  const status: number = await runCli(["find", "Shot"], { ...processIo(), env: { SG_SITE: site.url } });
  void exitCodeFor(new UsageError("x")); void CredentialsStore; void createWriter;
  const report = await checkAuthStrategy({ name: "script", create: () => scriptAuth({ scriptName: "demo", scriptKey: DEMO_SCRIPT_KEY }), invalidOptions: [() => scriptAuth({} as never)], secrets: () => [DEMO_SCRIPT_KEY], refreshes: "never" });
  console.log(formatReport(report), createCapturingLogger());
  console.log(one, results, summary, versions, v, looseRow, text, status);
  await client.close();
  await site.close();
}

/** An attachment link declared as an interface. */
interface AttachmentRef {
  type: "Attachment";
  id: number;
  url: string;
}

/** A url field value declared as an interface (`sg typegen`'s SgUrlValue has an index signature). */
interface MovieLink {
  url: string;
  name: string;
  link_type: "web";
}

/** Schema field properties declared as an interface. */
interface FieldProperties {
  description: string;
  visible: boolean;
}

/** A link declared as an interface, to a type a Shot's project does not point to. */
interface ShotLink {
  type: "Shot";
  id: number;
}

// The schema checks must hold (an unused @ts-expect-error is an error), under every compiler that compiles this.
export async function refused(sg: EntityApi<SgSchema>, shot: ShotLink): Promise<void> {
  // @ts-expect-error an interface-typed link of a type the field does not point to
  await sg.find("Shot", [["project", "is", shot]], ["code"]);
  // @ts-expect-error a misspelt field
  await sg.find("Shot", [], ["cdoe"]);
  // @ts-expect-error an unknown entity type
  await sg.find("Shto", [], ["code"]);
  // @ts-expect-error a misspelt filter field
  await sg.find("Shot", [["cdoe", "is", "x"]], ["code"]);
  // @ts-expect-error a misspelt field in a batch
  await sg.batch([{ request_type: "update", entity_type: "Shot", entity_id: 1, data: { cdoe: "x" } }]);
  // @ts-expect-error two summaries of one field
  await sg.summarize("Shot", [], [{ field: "id", type: "count" }, { field: "id", type: "maximum" }]);
  // @ts-expect-error a read-only field written
  await sg.update("Shot", 1, { created_at: new Date() });
  // @ts-expect-error a url field value that is a string
  await sg.update("Version", 1, { sg_uploaded_movie: "https://example.com/m.mov" });
  // @ts-expect-error schema field properties as a list
  await sg.schemaFieldUpdate("Shot", "code", ["description"]);
  // @ts-expect-error a Date as a url field value
  await sg.update("Version", 1, { sg_uploaded_movie: new Date() });
  // @ts-expect-error a Map as a serializable dict
  await sg.update("Task", 1, { splits: new Map() });
  // @ts-expect-error a RegExp as schema field properties
  await sg.schemaFieldCreate("Shot", "text", "Notes", /re/);
  // @ts-expect-error a promise as a seed entity field
  await sg.navExpand("/Project/1", { seedEntityField: Promise.resolve(1) });
}
