import { spawn } from "node:child_process";

/** How {@link openInBrowser} starts a program: `child_process.spawn`'s shape, injectable for the tests. */
export type Spawner = (command: string, args: readonly string[], options: { stdio: "ignore"; detached: true }) => { on(event: "error", listener: () => void): unknown; unref(): void };

/**
 * The program and arguments that open `url` in the person's browser, never through a shell: the URL is one
 * argument of its own. On Windows, `cmd /c start "" <url>` would hand it to cmd.exe, and Node quotes an argument
 * only when it holds a space, tab or quote, so `&`, `|`, `^` and `%VAR%` in a URL the site returned would run
 * commands. `rundll32 url.dll,FileProtocolHandler <url>` passes the rest of its command line to the URL handler
 * as it is, without interpreting it; `explorer.exe <url>` was not chosen since explorer parses its command line as
 * switches (a comma separates them). The URL is re-serialised by `URL`, which percent-encodes spaces and quotes, so
 * Node does not wrap it in quotes that rundll32 would pass on.
 */
export function browserCommand(url: string, platform: NodeJS.Platform = process.platform): [string, string[]] {
  const href = new URL(url).href;
  if (platform === "win32") return ["rundll32", ["url.dll,FileProtocolHandler", href]];
  return [platform === "darwin" ? "open" : "xdg-open", [href]];
}

/** Open a URL in the person's browser, without waiting and without failing the login when it cannot. */
export function openInBrowser(url: string, platform: NodeJS.Platform = process.platform, run: Spawner = spawn): void {
  try {
    const [command, args] = browserCommand(url, platform);
    const child = run(command, args, { stdio: "ignore", detached: true });
    child.on("error", () => undefined);
    child.unref();
  } catch {
    // The URL is printed; the person can open it by hand.
  }
}
