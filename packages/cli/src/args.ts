import { parseArgs } from "node:util";
import { EXIT_STATUS_HELP, UsageError } from "./exit-status.js";
import { TRANSFER_COMMANDS } from "./transfer-limit.js";
import { refuseReplacedBytes } from "./argv-utf8.js";
import { unknownOptionHint } from "./option-guess.js";

/** One option of the `sg` command line. */
interface OptionSpec {
  readonly type: "string" | "boolean";
  readonly short?: string;
  /** Commands that accept it; absent = every command (a global option). */
  readonly commands?: readonly string[];
  readonly help: string;
  readonly value?: string;
  /** Its value is a secret: never echoed, not even in a usage error. */
  readonly secret?: boolean;
  /** Help for one command, when the option means something else there (`--all` of `find` and of `schema`). */
  readonly helpFor?: Readonly<Record<string, string>>;
  /** Its value is a comma list: given again, the values add up. Any other option given twice is a usage error. */
  readonly list?: true;
}

/** The commands of `sg`, with their positional arguments. */
export const COMMANDS: Readonly<Record<string, { readonly usage: string; readonly summary: string; readonly min: number; readonly max: number; readonly details?: readonly string[] }>> = {
  find: { usage: "find <Entity> [filters-json]", summary: "find records (one page, or every page with --all)", min: 1, max: 2 },
  count: { usage: "count <Entity> [filters-json]", summary: "count records matching the filters", min: 1, max: 2 },
  summarize: {
    usage: "summarize <Entity> <summaries> [filters-json]",
    summary: "summaries (count, sum, latest, …) of matching records, optionally grouped",
    min: 2,
    max: 3,
    details: [
      "Summaries: field:type[,field:type…] such as id:count,created_at:latest, or JSON such as",
      '  [{"field": "id", "type": "count"}]. Types: record_count, count, sum, maximum, minimum, average, earliest,',
      "  latest, percentage, status_percentage, status_list, checked, unchecked.",
      "Without --grouping: one record of the summaries. With it: a row of the totals (level 0, group []), then every",
      "group depth first: level its depth (1 = outermost), group the path of group names (outermost first),",
      "group_value its value. The level tells the totals from a group with no value (both have an empty group in csv).",
    ],
  },
  create: { usage: "create <Entity> <data-json>", summary: "create a record", min: 2, max: 2 },
  update: { usage: "update <Entity> <id> <data-json> [--mode field=add,…]", summary: "update a record", min: 3, max: 3 },
  delete: { usage: "delete <Entity> <id>", summary: "retire a record", min: 2, max: 2 },
  revive: { usage: "revive <Entity> <id>", summary: "bring a retired record back", min: 2, max: 2 },
  batch: {
    usage: "batch <requests-json|-|@file>",
    summary: "creates, updates and deletes in one transaction: all are applied or none",
    min: 1,
    max: 1,
    details: [
      "Requests, a JSON list in the Python client's batch shape:",
      '  {"request_type": "create", "entity_type": "Shot", "data": {"code": "SH010", …}, "return_fields": ["code"]}',
      '  {"request_type": "update", "entity_type": "Shot", "entity_id": 1, "data": {…}, "multi_entity_update_modes": {…}}',
      '  {"request_type": "delete", "entity_type": "Shot", "entity_id": 1}',
      "Prints one row per request, in order: the created or updated record, {type, id, deleted} for a delete.",
      "Every request is checked before anything is sent; a batch that may have reached the site is never sent again.",
    ],
  },
  schema: {
    usage: "schema [Entity [field] | --all]",
    summary: "list entity types, an entity's fields, or one field; --all: every entity type's fields",
    min: 0,
    max: 2,
    details: [
      "--format json writes the site's answer as it is: schema_entity_read for `sg schema`, schema_field_read for",
      "`sg schema <Entity>`, schema_read for `sg schema --all`. Only the last is what `sg typegen --schema-file` reads:",
      "  sg schema --all --format json > schema.json && sg typegen --schema-file schema.json",
    ],
  },
  upload: { usage: "upload <Entity> <id> <file>", summary: "upload a file to a record (a thumbnail with --field image)", min: 3, max: 3 },
  download: { usage: "download <attachment-id|url>", summary: "download an attachment (to --out, or stdout when piped)", min: 1, max: 1 },
  whoami: { usage: "whoami", summary: "show who the credentials authenticate as (and, with --sudo-as, whom the site acts as)", min: 0, max: 0 },
  doctor: { usage: "doctor", summary: "check the site, its auth method and your credentials, and explain any failure", min: 0, max: 0 },
  typegen: {
    usage: "typegen [--out file.ts] [--schema-file f]",
    summary: "write TypeScript types of the site's schema for @sg/entities",
    min: 0,
    max: 0,
    details: [
      "Offline: --schema-file reads schema_read's answer, saved with `sg schema --all --format json > schema.json`.",
      "Any other file (such as `sg schema --format json`, which is schema_entity_read's) is a usage error (exit 2).",
    ],
  },
  emulator: { usage: "emulator [options]", summary: "run a local ShotGrid-compatible site (same flags as sg-emulator; sg emulator --help)", min: 0, max: 0 },
  login: {
    usage: "login [--browser]",
    summary: "log in and save a session token for the site",
    min: 0,
    max: 0,
    details: [
      "The session saved is your own: --sudo-as is refused (pass it to each command instead), and SG_SUDO_AS is left out",
      "of the login with a note on stderr (later commands still use it while it is set).",
    ],
  },
  logout: { usage: "logout", summary: "forget the saved session token of the site", min: 0, max: 0 },
  help: { usage: "help [command]", summary: "show help", min: 0, max: 1 },
};

const CONNECTED = ["find", "count", "summarize", "create", "update", "delete", "revive", "batch", "schema", "upload", "download", "whoami", "doctor", "typegen", "login", "logout"];

/** `sg login` and `sg logout` save and forget the person's own session: a sudo is never saved, so they refuse --sudo-as. */
const SUDO_COMMANDS = CONNECTED.filter((c) => c !== "login" && c !== "logout");

/** The hint of `'sg <command>' does not take --<option>` when a generic usage line would not say why. */
const REFUSED_OPTION_HINTS: Readonly<Record<string, string>> = {
  "sudo-as":
    "A sudo is given per command, never saved: `sg login` saves (and `sg logout` forgets) your own session. Log in as yourself, then pass --sudo-as <login> (or set SG_SUDO_AS) to each command that should act as that person.",
};

/** Every option. Global options (no `commands`) are accepted by every command. */
export const OPTIONS: Readonly<Record<string, OptionSpec>> = {
  site: { type: "string", value: "url", commands: CONNECTED, help: "site URL (env SG_SITE)" },
  "script-name": { type: "string", value: "name", commands: CONNECTED, help: "script name (env SG_SCRIPT_NAME)" },
  "script-key": { type: "string", secret: true, value: "key", commands: CONNECTED, help: "script application key (env SG_SCRIPT_KEY)" },
  login: { type: "string", value: "login", commands: CONNECTED, help: "legacy login (env SG_LOGIN)" },
  password: { type: "string", secret: true, value: "passphrase", commands: CONNECTED, help: "legacy passphrase (env SG_PASSWORD; prompted on a terminal when missing)" },
  "2fa-code": { type: "string", secret: true, value: "code", commands: CONNECTED, help: "one-time two-factor code (prompted on a terminal when the site asks)" },
  "session-token": { type: "string", secret: true, value: "token", commands: CONNECTED, help: "session token (env SG_SESSION_TOKEN)" },
  "sudo-as": { type: "string", value: "login", commands: SUDO_COMMANDS, help: "act as this HumanUser for this command (a script, or a person whose role allows sudo; env SG_SUDO_AS; never saved by sg login)" },
  "allow-http": { type: "boolean", commands: CONNECTED, help: "allow plain http:// to a host that is not loopback" },
  proxy: {
    type: "string",
    secret: true,
    value: "url",
    commands: CONNECTED,
    help: "send every request through this http(s) proxy (env SG_PROXY; else HTTPS_PROXY/HTTP_PROXY, NO_PROXY)",
  },
  format: { type: "string", value: "table|json|jsonl|csv", help: "output format (table on a terminal, json when piped)" },
  debug: { type: "boolean", help: "log each HTTP attempt (secrets redacted) and show stacks" },
  help: { type: "boolean", short: "h", help: "show help" },
  version: { type: "boolean", short: "v", help: "print the version" },
  fields: { type: "string", list: true, value: "a,b,c", commands: ["find", "create"], help: "fields to return" },
  order: { type: "string", list: true, value: "field,-field", commands: ["find"], help: "sort order, '-' for descending; join with '=' when the first is: --order=-created_at,code" },
  limit: { type: "string", value: "N", commands: ["find"], help: "at most N records (default 100 without --all; stderr says when it cut rows)" },
  page: { type: "string", value: "N", commands: ["find"], help: "return page N of --limit records" },
  all: { type: "boolean", commands: ["find", "schema"], help: "find: stream every page; schema: every entity type's fields (schema_read)", helpFor: { find: "stream every page", schema: "every entity type's fields (schema_read; with --format json, the file for typegen --schema-file)" } },
  concurrency: { type: "string", value: "N", commands: ["find"], help: "with --all only: pages fetched in parallel (default 4)" },
  "walk-by-id": {
    type: "boolean",
    commands: ["find"],
    help: "with --all only: read each page after the last id read, by id, so rows changed meanwhile are neither skipped nor repeated (no --concurrency, no --order but id)",
  },
  "filter-operator": { type: "string", value: "all|any", commands: ["find", "count", "summarize"], help: "combine top-level filters with and (all) or or (any)" },
  grouping: { type: "string", list: true, value: "field:type,…|json", commands: ["summarize"], help: "group levels, outermost first: field:type[:asc|desc],… or JSON [{field, type, direction}]" },
  retired: { type: "boolean", commands: ["find"], help: "return only retired records" },
  mode: {
    type: "string",
    list: true,
    value: "field=add|remove|set,…",
    commands: ["update"],
    help: "how each multi-entity field of the data is written: add to or remove from its list, or set it (the default); Python's multi_entity_update_modes",
  },
  field: { type: "string", value: "name", commands: ["upload"], help: "field to upload to (image = thumbnail)" },
  "display-name": { type: "string", value: "name", commands: ["upload"], help: "display name of the attachment (not with a thumbnail --field, which keeps the file's name)" },
  out: { type: "string", short: "o", value: "file", commands: ["download", "typegen"], help: "write to this file" },
  "schema-file": { type: "string", value: "file", commands: ["typegen"], help: "read a saved schema_read answer (sg schema --all --format json; - for standard input) instead of the site" },
  browser: { type: "boolean", commands: ["login"], help: "log in by approving in the browser (no password)" },
  "no-open": { type: "boolean", commands: ["login"], help: "with --browser: print the URL, do not open a browser" },
  "timeout-ms": {
    type: "string",
    value: "ms",
    commands: CONNECTED,
    help: "give up on an API call after this long, retries included (env SG_TIMEOUT_MS; default 300000, sg doctor 20000)",
    helpFor: { login: "give up on an API call after this long (env SG_TIMEOUT_MS); with --browser, also how long to wait for the approval (default 180000)" },
  },
  "transfer-timeout-ms": {
    type: "string",
    value: "ms",
    commands: TRANSFER_COMMANDS,
    help: "give up on the upload or download after this long, each attempt and retries included (env SG_TRANSFER_TIMEOUT_MS; default 600000 an attempt, 1800000 in all)",
  },
  "max-response-bytes": {
    type: "string",
    value: "bytes",
    commands: CONNECTED,
    help: "largest answer read for one API call (env SG_MAX_RESPONSE_BYTES; default 67108864, a write's also 8 times its request's length)",
  },
};

/**
 * `--order -created_at`: node reads a value that starts with `-` as the next option and says so in three lines
 * that end in `--order=-XYZ`. One line instead, and the exact fix (a secret value stays out of it).
 */
function dashValueError(message: string, argv: readonly string[]): UsageError | undefined {
  const flag = /^Option '(-[^']+)' argument is ambiguous/.exec(message)?.[1];
  if (!flag) return undefined;
  const name = flag.startsWith("--") ? flag.slice(2) : Object.keys(OPTIONS).find((n) => OPTIONS[n]?.short === flag.slice(1));
  const value = argv[argv.indexOf(flag) + 1];
  if (!name || value === undefined) return undefined;
  const hint = OPTIONS[name]?.secret ? `Join the value to --${name} with '=' instead of a space.` : `Join it with '=': --${name}=${value}`;
  return new UsageError(`the value of ${flag} starts with '-', so it reads as another option`, hint);
}

/** `--fields, --order, …`: the options whose values add up when given again. */
const LIST_OPTIONS = Object.keys(OPTIONS).filter((n) => OPTIONS[n]?.list).map((n) => `--${n}`).join(", ");

/** The parsed command line. */
export interface ParsedArgs {
  /** The command, or `help` when none was given. */
  readonly command: string;
  /** No command was given at all (a bare `sg`, maybe with options): the usage goes to stderr, exit 2. */
  readonly bare?: boolean;
  /** Positional arguments after the command. */
  readonly positionals: readonly string[];
  /** Option values by long name; every value given, in order, of an option whose value is a comma list (`list`). */
  readonly values: Readonly<Record<string, string | boolean | readonly string[] | undefined>>;
}

/**
 * The command of a line the strict parse refused (its first positional, an unknown option read as a flag), or
 * undefined when there is none or it is not a command.
 */
function commandOf(argv: readonly string[], options: Record<string, { type: "string" | "boolean"; short?: string; multiple: true }>): string | undefined {
  try {
    const first = parseArgs({ args: [...argv], options, allowPositionals: true, strict: false }).positionals[0];
    return first !== undefined && COMMANDS[first] ? first : undefined;
  } catch {
    return undefined;
  }
}

/** The long names of the options `command` takes (the table's `commands`), or of every option when it is unknown. */
function optionsOf(command: string | undefined): string[] {
  return Object.entries(OPTIONS)
    .filter(([, o]) => command === undefined || !o.commands || o.commands.includes(command))
    .map(([name]) => name);
}

/**
 * Parse `argv` (without `node` and the script). Unknown options, options the command does not take and
 * wrong numbers of arguments are usage errors.
 */
export function parseCommandLine(argv: readonly string[]): ParsedArgs {
  const options: Record<string, { type: "string" | "boolean"; short?: string; multiple: true }> = {};
  for (const [name, spec] of Object.entries(OPTIONS)) options[name] = spec.short ? { type: spec.type, short: spec.short, multiple: true } : { type: spec.type, multiple: true };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // The option's name only (node's message never quotes a value given with `=`).
    const unknown = /^Unknown option '(-[^']*)'/.exec(message)?.[1];
    const hint = (unknown && unknownOptionHint(unknown, optionsOf(commandOf(argv, options)))) ?? "Run `sg help` for the list of commands and options.";
    throw dashValueError(message, argv) ?? new UsageError(message.replace(/\. To specify a positional argument.*$/s, ""), hint);
  }
  const values: Record<string, string | boolean | readonly string[] | undefined> = {};
  // Last-wins would drop a value without a word: `--mode assets=add --mode shots=add` would replace `assets`.
  for (const [name, all] of Object.entries(parsed.values as Record<string, (string | boolean)[]>)) {
    if (OPTIONS[name]?.list) values[name] = all as string[];
    // The same value again (`--debug --debug`, an alias's `--site` given once more as it is) changes nothing.
    else if (new Set(all).size > 1) throw new UsageError(`--${name} was given ${all.length} times, with different values`, `Give it once. Only ${LIST_OPTIONS} take more than one value (their values add up).`);
    else values[name] = all[0];
  }
  const [first, ...rest] = parsed.positionals;
  if (first === undefined) return { command: "help", positionals: [], values, bare: true };
  const command = first;
  const spec = COMMANDS[command];
  if (!spec) throw new UsageError(`unknown command '${command}'`, `Commands: ${Object.keys(COMMANDS).join(", ")}.`);
  if (command === "help" && rest[0] !== undefined && !COMMANDS[rest[0]]) throw new UsageError(`no help for '${rest[0]}': not a command`, `Commands: ${Object.keys(COMMANDS).join(", ")}.`);
  if (!values["help"]) {
    for (const name of Object.keys(values)) {
      const allowed = OPTIONS[name]?.commands;
      if (allowed && !allowed.includes(command)) throw new UsageError(`'sg ${command}' does not take --${name}`, REFUSED_OPTION_HINTS[name] ?? `Usage: sg ${spec.usage}. Run \`sg help ${command}\`.`);
    }
    if (rest.length < spec.min) throw new UsageError(`'sg ${command}' needs more arguments`, `Usage: sg ${spec.usage}`);
    if (rest.length > spec.max) throw new UsageError(`'sg ${command}' takes at most ${spec.max} argument${spec.max === 1 ? "" : "s"}, got ${rest.length}`, `Usage: sg ${spec.usage}`);
  }
  // Every argument and option value reaches the site (or a file name) from here: none may hold bytes Node replaced.
  refuseReplacedBytes(spec.usage, rest, values, OPTIONS);
  return { command, positionals: rest, values };
}

/** `-o, --out <file>`: the short form too, so every spelling the parser takes is in the help. */
function optionLabel(name: string, o: OptionSpec): string {
  return `${o.short ? `-${o.short}, ` : ""}--${name}${o.value ? ` <${o.value}>` : ""}`;
}

/** Help text, for every command or one. */
export function helpText(command?: string): string {
  const lines: string[] = [];
  const spec = command ? COMMANDS[command] : undefined;
  if (command && spec) {
    lines.push(`Usage: sg ${spec.usage}`, "", `  ${spec.summary}`);
    if (spec.details) lines.push("", ...spec.details.map((d) => `  ${d}`));
    lines.push("", "Options:");
    for (const [name, o] of Object.entries(OPTIONS)) {
      if (o.commands && !o.commands.includes(command)) continue;
      lines.push(`  ${optionLabel(name, o).padEnd(32)} ${o.helpFor?.[command] ?? o.help}${o.list ? " (repeatable: the values add up)" : ""}`);
    }
  } else {
    lines.push("Usage: sg <command> [arguments] [options]", "", "Commands:");
    for (const c of Object.values(COMMANDS)) lines.push(`  ${c.usage.padEnd(36)} ${c.summary}`);
    lines.push("", "Options:");
    for (const [name, o] of Object.entries(OPTIONS)) {
      if (o.commands && o.commands.length < 10) continue;
      lines.push(`  ${optionLabel(name, o).padEnd(32)} ${o.help}`);
    }
    lines.push("", "A JSON argument (filters, data, …) can also be - to read it from standard input, or @file to read it from a file.");
    lines.push("", `An option is given once (or again with the same value), except ${LIST_OPTIONS}: given again, their values add up (--fields code --fields sg_cut_in).`);
    lines.push("", "Proxy: --proxy or SG_PROXY for every request; else HTTPS_PROXY / HTTP_PROXY (lower case first) for https / http URLs,");
    lines.push("except the hosts in NO_PROXY and loopback. A login goes in the URL (http://user:password@host:3128) and is never printed.");
    lines.push("", ...EXIT_STATUS_HELP);
    lines.push("", "`sg help <command>` for its options. A bare `sg` prints this usage on stderr and exits 2.");
  }
  return lines.join("\n") + "\n";
}
