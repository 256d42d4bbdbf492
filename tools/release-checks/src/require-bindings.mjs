// For the boundary gate: the literal specifiers a file loads through a require function it holds in a binding —
// `const r = createRequire(import.meta.url); r("x")` — which a pattern over the text cannot see. Within one file,
// scope by scope, it follows: `createRequire` imported from "module"/"node:module" under any local name
// (`import { createRequire as cr }`), read off that module's namespace or default import
// (`import * as m …; m.createRequire`, `import m …`), destructured from `require("node:module")` or
// `await import("node:module")`, or copied to another name (`const c = createRequire`); and the require function it
// makes, bound by `const`/`let`/`var` or assigned later (`let r; r = cr(url)`), or copied (`const r2 = r`), and
// `require` itself copied. A binding counts as a require function for all of its scope once anything makes it one
// (the gate errs toward reporting); a parameter or inner declaration of the same name shadows it.
// Out of reach: a require function or `createRequire` that comes from another module (imported from a file of ours
// or a package other than "module"), a parameter, an object property or a return value; one chosen by a condition
// (`a ? r : s`); CommonJS's `module.constructor.createRequire` or a `global`/`globalThis` property; a `var` declared
// in a nested block is taken as scoped to that block; and a specifier that is not a literal.
import { parseSource } from "./parse-source.mjs";

const MODULE = new Set(["module", "node:module"]);
const FUNCTION = /^(FunctionDeclaration|FunctionExpression|ArrowFunctionExpression|ObjectMethod|ClassMethod|ClassPrivateMethod)$/;
const SKIP = new Set(["type", "leadingComments", "trailingComments", "innerComments", "loc", "extra", "typeAnnotation", "returnType", "typeParameters"]);

const literal = (node) =>
  node?.type === "StringLiteral" ? node.value : node?.type === "TemplateLiteral" && node.expressions.length === 0 ? node.quasis[0].value.cooked : undefined;
const unwrap = (node) =>
  node && node.type === "SequenceExpression"
    ? unwrap(node.expressions.at(-1)) // `(0, r)`: the value is the last expression's
    : node && /^(TSAsExpression|TSNonNullExpression|TSSatisfiesExpression|TSTypeAssertion|ParenthesizedExpression|AwaitExpression)$/.test(node.type)
      ? unwrap(node.expression ?? node.argument)
      : node;
/** A call, plain or optional (`r?.(…)`). */
const CALL = /^(Optional)?CallExpression$/;
const children = (node) =>
  Object.entries(node)
    .filter(([k, v]) => !SKIP.has(k) && v && typeof v === "object")
    .flatMap(([, v]) => (Array.isArray(v) ? v : [v]))
    .filter((v) => v && typeof v.type === "string");

/** The names a binding pattern declares. */
function patternNames(p) {
  if (!p) return [];
  if (p.type === "Identifier") return [p.name];
  if (p.type === "ObjectPattern") return p.properties.flatMap((q) => patternNames(q.type === "RestElement" ? q.argument : q.value));
  if (p.type === "ArrayPattern") return p.elements.flatMap(patternNames);
  if (p.type === "AssignmentPattern") return patternNames(p.left);
  if (p.type === "RestElement") return patternNames(p.argument);
  if (p.type === "TSParameterProperty") return patternNames(p.parameter);
  return [];
}

/**
 * `[{ start, spec }]` (`start`: the argument's offset) for each call, with a literal specifier, of a require function
 * held in a binding of `source` (a text, or its AST from parseSource).
 */
export function boundRequireCalls(source, file = "x.ts") {
  const ast = typeof source === "string" ? parseSource(source, file) : source;
  const scopes = new WeakMap(); // node → { parent, names: Map(name → { kind }) }
  const scopeOf = (node, parent) => {
    if (!scopes.has(node)) scopes.set(node, { parent, names: new Map() });
    return scopes.get(node);
  };
  const lookup = (scope, name) => {
    for (let s = scope; s; s = s.parent) if (s.names.has(name)) return s.names.get(name);
    return undefined;
  };
  // What an expression evaluates to: "module" (node:module), "create" (createRequire), "require" (a require function).
  const kindOf = (expr, scope) => {
    const e = unwrap(expr);
    if (!e) return undefined;
    if (e.type === "Identifier") {
      const b = lookup(scope, e.name);
      return b ? b.kind : e.name === "require" ? "require" : undefined;
    }
    if (e.type === "MemberExpression" && (e.computed ? literal(e.property) : e.property.name) === "createRequire") return kindOf(e.object, scope) === "module" ? "create" : undefined;
    if (e.type === "ImportExpression" || (e.type === "CallExpression" && e.callee.type === "Import")) return MODULE.has(literal(e.source ?? e.arguments[0])) ? "module" : undefined;
    if (CALL.test(e.type)) {
      const callee = kindOf(e.callee, scope);
      if (callee === "create") return "require";
      if (callee === "require" && MODULE.has(literal(e.arguments[0]))) return "module";
    }
    return undefined;
  };
  let version = 0; // how many bindings have been given a kind: passes repeat until it stops growing
  const declare = (scope, name, kind) => {
    const b = scope.names.get(name) ?? { kind: undefined };
    if (kind && !b.kind) {
      b.kind = kind;
      version++;
    }
    scope.names.set(name, b);
  };
  const bindPattern = (scope, id, init) => {
    const kind = kindOf(init, scope);
    if (id.type === "Identifier") return declare(scope, id.name, kind);
    for (const n of patternNames(id)) declare(scope, n, undefined);
    if (id.type === "ObjectPattern" && kind === "module") {
      for (const p of id.properties) {
        const key = p.key && (p.computed ? literal(p.key) : (p.key.name ?? p.key.value));
        const value = p.value?.type === "AssignmentPattern" ? p.value.left : p.value;
        if (key === "createRequire" && value?.type === "Identifier") declare(scope, value.name, "create");
      }
    }
  };
  const calls = [];
  const walk = (node, scope, collect) => {
    const own = /^(Program|BlockStatement|StaticBlock|CatchClause|SwitchStatement|For\w*Statement)$/.test(node.type) || FUNCTION.test(node.type);
    const s = own ? scopeOf(node, scope) : scope;
    if (FUNCTION.test(node.type)) {
      for (const p of node.params) for (const n of patternNames(p)) declare(s, n, undefined);
      if (node.id && node.type.endsWith("Expression")) declare(s, node.id.name, undefined);
    }
    if (node.type === "CatchClause") for (const n of patternNames(node.param)) declare(s, n, undefined);
    const statements = node.type === "Program" || node.type === "BlockStatement" ? node.body : node.type === "SwitchStatement" ? node.cases.flatMap((c) => c.consequent) : [];
    for (const st of statements) {
      if (st.type === "ImportDeclaration") {
        const fromModule = MODULE.has(st.source.value) && st.importKind !== "type";
        for (const sp of st.specifiers) {
          const imported = sp.type === "ImportSpecifier" ? (sp.imported.name ?? sp.imported.value) : undefined;
          declare(s, sp.local.name, !fromModule || sp.importKind === "type" ? undefined : imported === undefined ? "module" : imported === "createRequire" ? "create" : undefined);
        }
      } else if ((st.type === "FunctionDeclaration" || st.type === "ClassDeclaration" || st.type === "TSEnumDeclaration") && st.id) declare(s, st.id.name, undefined);
    }
    // `let`/`const`/`var` bind in the block they appear in (a `var` in a nested block is taken as block-scoped).
    if (node.type === "VariableDeclarator") bindPattern(s, node.id, node.init);
    if (node.type === "AssignmentExpression" && node.operator === "=" && node.left.type === "Identifier") {
      const b = lookup(s, node.left.name);
      const kind = kindOf(node.right, s);
      if (b && kind && !b.kind) {
        b.kind = kind;
        version++;
      }
    }
    if (collect && CALL.test(node.type) && kindOf(node.callee, s) === "require") {
      const spec = literal(node.arguments[0]);
      if (spec !== undefined) calls.push({ start: node.arguments[0].start, spec });
    }
    for (const c of children(node)) walk(c, s, collect);
  };
  // Declarations are kept between passes, so a name used above its declaration resolves on the next pass.
  for (let pass = 0, seen = -1; pass < 10 && seen !== version; pass++) {
    seen = version;
    walk(ast.program, undefined, false);
  }
  walk(ast.program, undefined, true);
  return calls;
}
