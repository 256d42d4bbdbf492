// Marker secrets and the scanner that looks for them in everything the packages produce.
import { inspect } from "node:util";

/** Planted secrets: distinctive values that can only show up in output if something leaked them. */
export const MARKERS = Object.freeze({
  scriptKey: "MRKscriptkey0c4f9e1d7a2b6e",
  passphrase: "MRKpassphrase5e8d1c3f",
  sessionToken: "MRKsessiontoken9a7b3c2d1e0f",
  twoFactorCode: "918273",
  basicAuthPassword: "MRKbasicpw4d2e8f1a",
});

/** The secrets of one suite run: markers plus values learned at run time (fixture key, real session tokens). */
export class Secrets {
  #list = [];

  constructor() {
    for (const [label, value] of Object.entries(MARKERS)) this.add(value, `marker ${label}`);
    this.add(Buffer.from(`user:${MARKERS.basicAuthPassword}`).toString("base64"), "marker basicAuthPassword (base64 header value)");
  }

  /** Remember a secret. Numeric codes are matched as whole numbers only. */
  add(value, label) {
    if (typeof value !== "string" || value.length < 6 || this.#list.some((s) => s.value === value)) return;
    const pattern = /^\d+$/.test(value) ? new RegExp(`(?<!\\d)${value}(?!\\d)`) : undefined;
    this.#list.push({ value, label, pattern });
  }

  values() {
    return this.#list.map((s) => s.value);
  }

  /** Every secret found in `text`: `[{ where, secret, excerpt }]` with all secrets masked in the excerpt. */
  scan(text, where) {
    const found = [];
    for (const s of this.#list) {
      const at = s.pattern ? text.search(s.pattern) : text.indexOf(s.value);
      if (at < 0) continue;
      let excerpt = text.slice(Math.max(0, at - 80), at + s.value.length + 80);
      for (const other of this.#list) excerpt = excerpt.split(other.value).join("«SECRET»");
      found.push({ where, secret: s.label, excerpt: excerpt.replace(/\s+/g, " ") });
    }
    return found;
  }
}

/** Safe string renderings of any value. */
export function renderings(value, label) {
  const out = [];
  const push = (how, fn) => {
    try {
      out.push([`${label} ${how}`, String(fn())]);
    } catch (error) {
      out.push([`${label} ${how}`, `[threw ${error?.name}]`]);
    }
  };
  push("String()", () => String(value));
  push("util.inspect", () => inspect(value, { depth: 10, breakLength: Infinity, maxStringLength: Infinity, showHidden: false }));
  push("JSON.stringify", () => JSON.stringify(value));
  return out;
}

/** Every rendering of an error a person or a log pipeline may see, following the cause chain. */
export function errorRenderings(error, label) {
  const out = [];
  let current = error;
  for (let depth = 0; current && depth < 5; depth += 1) {
    const at = depth === 0 ? label : `${label} cause[${depth}]`;
    const e = current;
    const add = (how, fn) => {
      try {
        out.push([`${at} ${how}`, String(fn())]);
      } catch (thrown) {
        out.push([`${at} ${how}`, `[threw ${thrown?.name}]`]);
      }
    };
    add("message", () => e.message);
    add("String(err)", () => String(e));
    add("stack", () => e.stack);
    add("toJSON()", () => JSON.stringify(typeof e.toJSON === "function" ? e.toJSON() : e));
    add("JSON.stringify", () => JSON.stringify(e));
    add("util.inspect depth 10", () => inspect(e, { depth: 10, breakLength: Infinity, maxStringLength: Infinity }));
    add("util.inspect showHidden", () => inspect(e, { depth: 10, showHidden: true, breakLength: Infinity, maxStringLength: Infinity }));
    add("own properties", () => JSON.stringify(Object.fromEntries(Object.getOwnPropertyNames(e).map((k) => [k, safe(() => String(e[k]))]))));
    current = e.cause;
  }
  return out;
}

function safe(fn) {
  try {
    return fn();
  } catch {
    return "[threw]";
  }
}

/** A Logger that keeps every line: `{ level, message, data }`. */
export function capturingLogger() {
  const lines = [];
  const at = (level) => (message, data) => lines.push({ level, message, data });
  return { lines, logger: { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") } };
}

/** The text of captured log lines, one per line, data as JSON and as util.inspect. */
export function logText(lines) {
  return lines.map((l) => `[${l.level}] ${l.message} ${safe(() => JSON.stringify(l.data))} ${inspect(l.data, { depth: 10, breakLength: Infinity })}`).join("\n");
}

/** Format findings for an assertion message. */
export function formatFindings(findings) {
  return findings.map((f) => `${f.secret} found in ${f.where}: …${f.excerpt}…`).join("\n");
}
