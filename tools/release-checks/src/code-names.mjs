// Reading the names a code fragment (a README snippet, a TSDoc example) defines itself, so the checks that compile
// such fragments declare for it only the names the surrounding prose takes as given.

/** Whether `code` declares `name` itself: a declaration, a destructuring binding, or an import. */
export function definesName(code, name) {
  return new RegExp(
    `\\b(const|let|var|function|type|interface|class)\\s+${name}\\b|\\b(const|let|var)\\s*\\{[^}]*\\b${name}\\b[^}]*\\}\\s*=|import[^;]*\\b${name}\\b[^;]*from`,
  ).test(code);
}
