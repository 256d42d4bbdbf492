// One parser for the gates that read source code (Babel, with TypeScript and JSX by extension), so a string or a
// comment that looks like code is never taken for code.
import { parse } from "@babel/parser";

/** The JS and TS files a gate reads: .js .cjs .mjs .jsx .ts .cts .mts .tsx (declaration files excluded). */
export const CODE_FILE = /\.[cm]?[jt]sx?$/;
export const DECLARATION_FILE = /\.d\.[cm]?ts$/;

/** Babel's AST of `text`, parsed as `file`'s extension says (CommonJS for .cjs/.cts). Throws on a syntax error. */
export function parseSource(text, file = "x.ts") {
  const ts = /\.[cm]?tsx?$/.test(file);
  const plugins = [...(ts ? ["typescript"] : []), ...(/x$/.test(file) ? ["jsx"] : [])];
  const sourceType = /\.c[jt]s$/.test(file) ? "script" : "module";
  return parse(text, { sourceType, plugins, allowReturnOutsideFunction: true, allowAwaitOutsideFunction: true });
}
