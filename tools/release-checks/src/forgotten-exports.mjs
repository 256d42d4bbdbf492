// Forgotten-export gate (api-extractor's `ae-forgotten-export`): every type a package's public declarations use — as a
// parameter, return, property or variable type, a generic constraint or default, a base type, a `typeof` — must be
// one a user can name: declared outside the package (another @sg package, a dependency, node or lib) or exported by
// name from the entry that uses it. Otherwise a user cannot annotate a variable or write a wrapper without
// `ReturnType<…>`/`Parameters<…>`. It walks the built `.d.ts` of each `exports` entry with the TypeScript compiler API
// of this package's own `typescript` devDependency (the TypeScript floor; the workspace's TypeScript 7 has no JS API),
// following the package's own unexported declarations it reaches, since what they use is just as unnameable.
// Not uses: type-level computation no value ever has the type of (a conditional type's `extends` test, a mapped type's
// keys, an index, `keyof`'s operand), an unexported generic alias applied in another alias's definition (a helper of
// the computation the user names by that alias) outside the object types it writes (a property, method or index
// signature type in an object type of an alias the user names, or of one it reaches that is not such a helper, is what
// a value holds, and is a use), `typeof value` (the value's declared type is walked instead), and private members.
// Except in a result: an alias a return type reaches, and every alias it applies in any position (keys and conditions
// included), is a use, since a user library's emitted declarations write out what they cannot name, and some of it,
// written out (`RequiredKeys` as an index), is refused by its users' compiler. An interface or a class is named there.
import { realpathSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const ts = createRequire(import.meta.url)("typescript");

/** `[entry name, .d.ts path]` for each `exports` entry of a manifest with types (`.` for a bare `types` field). */
export function typeEntries(dir, manifest) {
  const typesOf = (v) => (typeof v === "string" ? (v.endsWith(".d.ts") ? v : undefined) : v && (v.types ?? typesOf(v.import) ?? typesOf(v.default)));
  const exp = manifest.exports;
  const map = exp === undefined ? { ".": { types: manifest.types ?? manifest.typings } } : typeof exp === "string" || !Object.keys(exp).some((k) => k.startsWith(".")) ? { ".": exp } : exp;
  return Object.entries(map)
    .map(([key, v]) => [key === "." ? manifest.name : `${manifest.name}/${key.replace(/^\.\//, "")}`, typesOf(v)])
    .filter(([, t]) => t)
    .map(([entry, t]) => [entry, join(dir, t)]);
}

/** Whether a member is private (`private x`, `#x`): not part of the public surface. */
export const isPrivate = (n) => (ts.canHaveModifiers(n) && ts.getModifiers(n)?.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword)) || (n.name && ts.isPrivateIdentifier(n.name));
const nameOf = (n) => (n.name && (ts.isIdentifier(n.name) || ts.isPrivateIdentifier(n.name) || ts.isStringLiteral(n.name) || ts.isNumericLiteral(n.name)) ? n.name.text : n.name?.getText());

/** Whether `node` is inside `ancestor`. */
const within = (node, ancestor) => {
  for (let n = node; n; n = n.parent) if (n === ancestor) return true;
  return false;
};

/** Whether `n` is inside an object type literal below `body` (a member's type: a value of the alias holds one). */
const inObjectType = (n, body) => {
  for (let p = n.parent; p && p !== body; p = p.parent) if (ts.isTypeLiteralNode(p)) return true;
  return false;
};

/**
 * Whether `n` is a type-level computation its parent's type never holds a value of: the check and `extends` types of a
 * conditional type, a mapped type's keys, an indexed access's index, the operand of `keyof`.
 */
function computed(n) {
  const p = n.parent;
  return (
    (ts.isConditionalTypeNode(p) && (n === p.checkType || n === p.extendsType)) ||
    (ts.isMappedTypeNode(p) && (n === p.typeParameter || n === p.nameType)) ||
    (ts.isIndexedAccessTypeNode(p) && n === p.indexType) ||
    (ts.isTypeOperatorNode(p) && p.operator === ts.SyntaxKind.KeyOfKeyword)
  );
}

/** Whether `n` is inside the return type of a function, method or call signature below `root` (or of `root` itself). */
const inReturnType = (n, root) => {
  for (let p = n.parent, child = n; p && p !== root.parent; child = p, p = p.parent) if (ts.isFunctionLike(p) && child === p.type) return true;
  return false;
};

/** Where `ref` sits inside the declaration `root` named `rootName`: `Api.find's return type`, `Options.retry's type`, … */
function usage(ref, root, rootName) {
  const path = [];
  let role;
  for (let n = ref, child; n && n !== root.parent; child = n, n = n.parent) {
    if (!role) {
      if (ts.isParameter(n)) role = `parameter ${nameOf(n) ?? "(destructured)"}`;
      else if (ts.isTypeParameterDeclaration(n)) role = `${child === n.default ? "default" : "constraint"} of ${n.name.text}`;
      else if (ts.isHeritageClause(n)) role = "base type";
      else if (ts.isIndexSignatureDeclaration(n)) role = "index signature";
      else if (ts.isFunctionLike(n) && child === n.type) role = "return type";
    }
    if (n !== root && (ts.isPropertySignature(n) || ts.isPropertyDeclaration(n) || ts.isMethodSignature(n) || ts.isMethodDeclaration(n) || ts.isAccessor(n)) && nameOf(n)) path.unshift(nameOf(n));
    if (ts.isConstructorDeclaration(n) || ts.isConstructSignatureDeclaration(n)) path.unshift("constructor");
  }
  return `${[rootName, ...path].join(".")}'s ${role ?? "type"}`;
}

/** A program of the `.d.ts` files of `entries` (from {@link typeEntries}), as a user on Node with ES2022 compiles them. */
export function entriesProgram(entries) {
  return ts.createProgram(
    entries.map(([, f]) => f),
    { target: ts.ScriptTarget.ES2022, lib: ["lib.es2022.d.ts"], module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, types: ["node"], noEmit: true, skipLibCheck: true },
  );
}

/**
 * Each type a public entry of the built package at `dir` uses but does not export, as
 * `<entry>: <Type> (used by <where>) is not exported from "<entry>"` (a use reached through another unexported type
 * also names the export it was reached from), and each reference the compiler cannot resolve (a failure, never a skip).
 */
export function forgottenExports(dir, manifest) {
  const own = `${realpathSync(dir)}/`;
  const entries = typeEntries(dir, manifest);
  const program = entriesProgram(entries);
  const checker = program.getTypeChecker();
  const resolve = (s) => (s && s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);
  const isOwn = (d) => {
    const f = d.getSourceFile().fileName;
    return f.startsWith(own) && !f.slice(own.length).includes("node_modules/");
  };
  const out = [];
  for (const [entry, file] of entries) {
    const source = program.getSourceFile(file);
    const moduleSymbol = source && checker.getSymbolAtLocation(source);
    if (!moduleSymbol) {
      out.push(`${entry}: ${file} is not a module the compiler can read`);
      continue;
    }
    // What a user can name from this entry: its exports, and the exports of each namespace it exports (`ns.Type`).
    const exported = new Map();
    const collect = (mod) => {
      for (const s of checker.getExportsOfModule(mod)) {
        const target = resolve(s);
        if (exported.has(target)) continue;
        exported.set(target, s.name);
        if (target.flags & ts.SymbolFlags.Module) collect(target);
      }
    };
    collect(moduleSymbol);
    const reported = new Set();
    const walked = new Set();
    const walkedInResult = new Set();
    /**
     * Check every type reference in the declarations of `symbol` (known to users as `name`, reached `via`; `computing`
     * when reached as a helper alias, whose object types are part of the computation too; `result` when reached from
     * a return type, where every alias it applies, in any position, is a use).
     */
    const walk = (symbol, name, via, computing = false, result = false) => {
      const seen = result ? walkedInResult : walked;
      if (seen.has(symbol)) return;
      seen.add(symbol);
      for (const decl of symbol.declarations ?? []) {
        // A namespace's members are walked as exports of their own (`collect`), its other declarations are not public.
        if (!isOwn(decl) || ts.isSourceFile(decl) || ts.isModuleDeclaration(decl)) continue;
        const aliasBody = ts.isTypeAliasDeclaration(decl) ? decl.type : undefined;
        const visit = (n) => {
          // In a result every position counts: a user's declarations may write out any part of it (see the header).
          const inResult = result || inReturnType(n, decl);
          if (n !== decl && (isPrivate(n) || (computed(n) && !inResult))) return;
          let target;
          if (ts.isTypeReferenceNode(n) || ts.isExpressionWithTypeArguments(n) || ts.isTypeQueryNode(n)) {
            let e = ts.isTypeReferenceNode(n) ? n.typeName : ts.isTypeQueryNode(n) ? n.exprName : n.expression;
            // `ns.Type` or `Enum.Member` is nameable when its leftmost name is.
            while (ts.isQualifiedName(e) || ts.isPropertyAccessExpression(e)) e = ts.isQualifiedName(e) ? e.left : e.expression;
            target = { symbol: resolve(checker.getSymbolAtLocation(e)), text: e.getText(), query: ts.isTypeQueryNode(n) };
          } else if (ts.isImportTypeNode(n)) {
            const t = checker.getTypeFromTypeNode(n);
            target = { symbol: resolve(t.aliasSymbol ?? t.symbol), text: n.getText() };
          }
          if (target) check({ ...target, inAlias: aliasBody !== undefined && within(n, aliasBody) && (computing || !inObjectType(n, aliasBody)) }, usage(n, decl, name), via, computing, inResult);
          ts.forEachChild(n, visit);
        };
        visit(decl);
      }
    };
    const check = ({ symbol, text, query, inAlias }, where, via, computing, result) => {
      const at = via ? `${where}, reached from ${via}` : where;
      // The checker's stand-in for a name it cannot find (an unknown name, an import of a missing module) has no
      // declarations; of the names that resolve, only `globalThis` has none.
      if (!symbol || (!symbol.declarations?.length && symbol.name !== "globalThis")) {
        if (!reported.has(text)) out.push(`${entry}: ${text} (used by ${at}) cannot be resolved`);
        reported.add(text);
        return;
      }
      if (symbol.flags & ts.SymbolFlags.TypeParameter || !symbol.declarations?.some(isOwn)) return;
      // Only an alias is written out in a user's declarations; an interface or a class is named there, as it is.
      result = result && symbol.declarations.some((d) => ts.isTypeAliasDeclaration(d));
      if (exported.has(symbol)) {
        // An exported alias in a result: what it applies may be written out in a user's declarations too.
        if (result) walk(symbol, exported.get(symbol), via ?? where, false, true);
        return;
      }
      // `typeof value` is the value's type, written in its declaration (walked); a generic alias applied in the
      // definition of another alias is part of what that alias computes, and the user names that alias.
      const applied = inAlias && symbol.declarations.some((d) => ts.isTypeAliasDeclaration(d) && d.typeParameters?.length);
      const helper = (query && !(symbol.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Enum | ts.SymbolFlags.ValueModule))) || (applied && !result);
      if (!helper && !reported.has(symbol)) {
        out.push(`${entry}: ${symbol.name} (used by ${at}) is not exported from "${entry}"`);
        reported.add(symbol);
      }
      walk(symbol, symbol.name, via ?? where, computing || applied, result);
    };
    for (const [symbol, name] of [...exported].sort(([, a], [, b]) => (a < b ? -1 : a > b ? 1 : 0))) walk(symbol, name);
  }
  return out;
}
