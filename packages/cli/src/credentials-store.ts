import { parseSite } from "@sg/core";
import { mkdir, readFile, stat } from "node:fs/promises";
import { homedir, userInfo } from "node:os";
import { isAbsolute, join } from "node:path";
import { credentialsFileError } from "./credentials-file-error.js";
import { checkCredentialsFile, type CredentialsFile } from "./credentials-file-shape.js";
import { readEnv } from "./env-utf8.js";
import { CredentialsFileError } from "./exit-codes.js";
import { withFileLock } from "./file-lock.js";
import { replaceFile } from "./replace-file.js";
import { decodeText } from "./text-input.js";

/** A session saved by `sg login` for one site. */
export interface SavedSession {
  /** The session token. Secret. */
  readonly sessionToken: string;
  /** The login it belongs to, when known. */
  readonly login?: string;
  /** How it was obtained. */
  readonly method: "browser" | "password";
  /** When it was saved (ISO 8601). */
  readonly savedAt: string;
}

const NEWER_FIX = "Use the newer sg that wrote it (or update this one: npm install -g @sg/cli@latest); to start over with this one, remove the file (its sessions are lost).";

/** Refuse to change a file a newer sg wrote (`newer` names it): rewritten by this sg it would lose what that one saved. */
function refuseNewer(newer: string | undefined): void {
  if (newer) throw new CredentialsFileError(`${newer}, so this sg does not change it`, NEWER_FIX, "credentials-file-newer");
}

/** Something wrong with the credentials file that `sg` reads past (it warns; `sg doctor` fails a check). */
export interface CredentialsFileWarning {
  /**
   * `unsafe-mode`: readable by other users; `invalid-json`, `unknown-layout`: ignored, rewritten by the next `sg login`;
   * `newer-version`: written by a newer `sg`, ignored and never rewritten.
   */
  readonly kind: "unsafe-mode" | "invalid-json" | "unknown-layout" | "newer-version";
  /** One line naming the file. */
  readonly message: string;
  /** What to do about it. */
  readonly fix: string;
}

const ABSOLUTE_FIX = "Set SG_CONFIG_DIR (or HOME) to an absolute path.";

/** What to do about a folder variable that is not UTF-8: sg could not name the folder it means. */
const FOLDER_NAME = "sg cannot name a folder whose name is not UTF-8: set SG_CONFIG_DIR to the absolute path of one whose name is (or rename it, e.g. with convmv).";

/**
 * The per-user folder of `sg`: `$SG_CONFIG_DIR` (trimmed), else `$XDG_CONFIG_HOME/sg`, else `~/.config/sg`. Never a
 * relative path, which would put the session tokens under the current folder (where they could be committed, and
 * read by any later run there): a relative `XDG_CONFIG_HOME` is ignored, as the XDG spec says; so is a `HOME` that is
 * empty or relative (the account's home folder is used instead); a relative `SG_CONFIG_DIR` is refused.
 *
 * @throws {@link CredentialsFileError} when `SG_CONFIG_DIR` is relative, or no absolute home folder is known.
 */
export function configDir(env: Readonly<Record<string, string | undefined>>): string {
  const own = readEnv(env, "SG_CONFIG_DIR", FOLDER_NAME)?.trim();
  if (own) {
    if (!isAbsolute(own)) throw new CredentialsFileError(`SG_CONFIG_DIR must be an absolute path, got '${own}'`, "Set SG_CONFIG_DIR to an absolute path (sg does not expand ~ in it: write the full path).", "credentials-file-unreadable");
    return own;
  }
  const xdg = readEnv(env, "XDG_CONFIG_HOME", FOLDER_NAME);
  if (xdg && isAbsolute(xdg)) return join(xdg, "sg");
  const home = readEnv(env, "HOME", FOLDER_NAME);
  // HOME unset: Node's homedir() (the profile folder on Windows); set but "" or relative: the account's own.
  const found = [home, home === undefined ? nodeHome() : undefined, accountHome()].find((h) => h && isAbsolute(h));
  if (!found) {
    const given = home === undefined ? "HOME is not set" : `HOME is ${home.trim() ? `relative ('${home}')` : "empty"}`;
    throw new CredentialsFileError(`no folder for the credentials file: ${given}, and the account has no absolute home folder`, ABSOLUTE_FIX, "credentials-file-unreadable");
  }
  return join(found, ".config", "sg");
}

/** Node's homedir() with HOME unset; "" when there is none (it throws without a passwd entry). */
function nodeHome(): string {
  try {
    return homedir();
  } catch {
    return "";
  }
}

/** The home folder of the account (its passwd entry), whatever HOME says; "" when there is none. */
function accountHome(): string {
  try {
    return userInfo().homedir ?? "";
  } catch {
    return "";
  }
}

/**
 * The key of a site in the file: its URL as `sg login` saves it, normalised by `parseSite` of `@sg/core` (no
 * `user:pass@`, lower-case host, no trailing slash), so that `https://Studio.example/` finds what `sg login` saved.
 */
function siteKey(site: string): string {
  return parseSite(site, { allowInsecureHttp: true, prefix: "@sg/cli" }).href;
}

/** Sessions saved per site in `<configDir>/credentials.json`, mode 0600 (folder 0700; on Windows, the folder's ACL). */
export class CredentialsStore {
  /** The file's path. */
  readonly path: string;
  /**
   * @param dir - the config folder, see {@link configDir}.
   * @param platform - the operating system, whose file modes say who may read the file (not on Windows).
   */
  constructor(
    /** The config folder holding the credentials file. */
    readonly dir: string,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {
    this.path = join(dir, "credentials.json");
  }

  private async load(): Promise<{ data: CredentialsFile; warnings: CredentialsFileWarning[]; newer?: string }> {
    const warnings: CredentialsFileWarning[] = [];
    let bytes: Buffer;
    let mode: number;
    try {
      bytes = await readFile(this.path);
      // On Windows Node reports mode 0666 for every writable file and chmod only toggles read-only: the file is
      // protected by the ACL of the profile folder it lives in (%USERPROFILE%\.config\sg unless SG_CONFIG_DIR).
      mode = this.platform === "win32" ? 0 : (await stat(this.path)).mode & 0o777;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return { data: { version: 1, sites: {} }, warnings };
      throw credentialsFileError(error, this.path, this.dir, false);
    }
    if (mode & 0o077) {
      warnings.push({ kind: "unsafe-mode", message: `${this.path} is readable by other users (mode ${mode.toString(8)}); run: chmod 600 ${this.path}`, fix: `chmod 600 ${this.path}` });
    }
    const ignored = (kind: CredentialsFileWarning["kind"], what: string): { data: CredentialsFile; warnings: CredentialsFileWarning[] } => {
      const fix = `Run sg login to rewrite it (the sessions saved in it are lost), or repair ${this.path} by hand.`;
      warnings.push({ kind, message: `${this.path} ${what}; it is ignored and will be rewritten by the next sg login`, fix });
      return { data: { version: 1, sites: {} }, warnings };
    };
    let json: unknown;
    try {
      // Saved as UTF-16 by an editor (Windows PowerShell 5.1's `>`) it is still read; other bytes are not JSON.
      json = JSON.parse(decodeText(bytes) ?? "");
    } catch {
      return ignored("invalid-json", "is not valid JSON");
    }
    const version = (json as { version?: unknown } | null)?.version;
    if (typeof version === "number" && version > 1) {
      const newer = `${this.path} was written by a newer sg (version ${version})`;
      warnings.push({ kind: "newer-version", message: `${newer}; this sg ignores it and will not change it`, fix: NEWER_FIX });
      return { data: { version: 1, sites: {} }, warnings, newer };
    }
    const checked = checkCredentialsFile(json);
    if ("problem" in checked) return ignored("unknown-layout", `has an unknown layout (${checked.problem})`);
    return { data: checked.file, warnings };
  }

  private async save(data: CredentialsFile): Promise<void> {
    // Its temporary file is removed on any failure (a full disk), so that no copy of the tokens is left behind.
    await replaceFile(this.path, JSON.stringify(data, null, 2) + "\n", 0o600);
  }

  /**
   * The session saved for a site, and what is wrong with the file, if anything: `warnings`, each of its kind, and
   * `warning`, their messages in one line.
   *
   * @param site - the site URL, in any form `--site` takes: it is normalised as `sg login` saves it (by `parseSite` of `@sg/core`: no `user:pass@`, lower-case host, no trailing slash).
   * @throws {@link CredentialsFileError} when the file cannot be read (a folder in its place, no permission).
   * @throws `SgValidationError` of `@sg/core` when `site` is no site URL (what `--site` refuses).
   */
  async get(site: string): Promise<{ session: SavedSession | undefined; warning?: string; warnings?: readonly CredentialsFileWarning[] }> {
    const key = siteKey(site);
    const { data, warnings } = await this.load();
    const session = data.sites[key] as SavedSession | undefined;
    return warnings.length ? { session, warning: warnings.map((w) => w.message).join("; "), warnings } : { session };
  }

  /**
   * Read, change and write the file while holding `credentials.json.lock` next to it, so that another `sg` doing the
   * same at once (another shell, another host sharing the home) neither loses this change nor has its own undone.
   * `change` returns whether to write. `signal` ends the wait for the lock (Ctrl-C), with its reason.
   */
  private async update(change: (data: CredentialsFile) => boolean, signal?: AbortSignal): Promise<boolean> {
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 }).catch(async (error: unknown) => {
        throw await (await import("./config-dir-error.js")).configDirError(error, this.path, this.dir);
      });
      return await withFileLock(`${this.path}.lock`, async () => {
        const { data, newer } = await this.load();
        refuseNewer(newer);
        if (!change(data)) return false;
        await this.save(data);
        return true;
      }, undefined, signal);
    } catch (error) {
      if (signal?.aborted && error === signal.reason) throw error;
      throw credentialsFileError(error, this.path, this.dir, true);
    }
  }

  /**
   * Save the session for a site, replacing any earlier one.
   *
   * @param site - the site URL, normalised as in {@link CredentialsStore.get} (any `user:pass@` is left out of the file).
   * @param signal - ends the wait while another `sg` holds the lock, with its reason (nothing is then written).
   * @throws {@link CredentialsFileError} when the file cannot be read or written, or another `sg` holds its lock.
   * @throws `SgValidationError` of `@sg/core` when `site` is no site URL.
   */
  async set(site: string, session: SavedSession, signal?: AbortSignal): Promise<void> {
    const key = siteKey(site);
    await this.update((data) => {
      data.sites[key] = { ...session };
      return true;
    }, signal);
  }

  /**
   * Refuse at once a file this sg would not change (written by a newer sg), so that `sg login` says so before the site
   * issues a session that could not be saved.
   *
   * @throws {@link CredentialsFileError} when the file was written by a newer sg or cannot be read.
   */
  async checkChangeable(): Promise<void> {
    refuseNewer((await this.load()).newer);
  }

  /**
   * Forget the session of a site. Resolves whether one was saved.
   *
   * @param site - the site URL, normalised as in {@link CredentialsStore.get}.
   * @param signal - ends the wait while another `sg` holds the lock, with its reason (nothing is then changed).
   * @throws {@link CredentialsFileError} when the file cannot be read or written, or was written by a newer sg.
   * @throws `SgValidationError` of `@sg/core` when `site` is no site URL.
   */
  async delete(site: string, signal?: AbortSignal): Promise<boolean> {
    const key = siteKey(site);
    // Nothing saved for it: no lock, and no folder made (a newer sg's file is refused by update()).
    const { data, newer } = await this.load();
    if (!newer && !data.sites[key]) return false;
    return this.update((data) => key in data.sites && delete data.sites[key], signal);
  }
}
