// Which ```ts blocks of a README the snippet check compiles (readme-snippets.test.mjs): every block of the root README,
// and every package README block that is a complete program, i.e. imports an @sg package; shorter fragments that lean
// on the surrounding prose are left to the reader.

/** An import of an @sg package at the start of a line, its braces on one line or several (`import {⏎  a,⏎} from "@sg/core"`). */
export const SG_IMPORT = /^import\b[^;"'`]*?\bfrom\s*["']@sg\//m;

/** `{ file, index, code }` for each ```ts block of `text` (the README at `file`, relative to the root) that is checked. */
export const snippetBlocks = (file, text) =>
  [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m, i) => ({ file, index: i, code: m[1] })).filter((b) => b.file === "README.md" || SG_IMPORT.test(b.code));
