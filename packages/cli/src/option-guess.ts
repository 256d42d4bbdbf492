/**
 * What an unknown option is called here: the names people bring from other clients and libraries (`--pat`, Python's
 * `--api-key`, `--passphrase`, `--sudo_as_login`), else the nearest known flag of a typo. Only names: a value given
 * with the option (`--pat=…`) may be a secret and is never read here.
 *
 * @packageDocumentation
 */

/** How a person binds a Personal Access Token to their legacy login (only they can). */
export const PAT_STEPS: string =
  "In your Autodesk profile open Personal Access Tokens → Generate (scope ShotGrid; it is shown once), then in ShotGrid open Account Settings → Legacy Login and Personal Access Token, set a passphrase if you have none and bind the token. Only you can do this, not an admin.";

const PAT_HINT = `An API client never sends the Personal Access Token itself: the site uses the one bound to the account. ${PAT_STEPS} Then pass --login (the legacy login) and --password (the legacy passphrase), or run \`sg login --browser\`.`;

/** Other clients' names (lower case, `_` as `-`) and what to say instead. */
const ALIASES: Readonly<Record<string, string>> = {
  pat: PAT_HINT,
  "personal-access-token": PAT_HINT,
  "api-key": "A script's application key has no --api-key here: use --script-key (with --script-name).",
  key: "A script's application key: use --script-key (with --script-name).",
  passphrase: "The legacy passphrase is the password here: use --password (with --login).",
  "sudo-as-login": "To act as another user, use --sudo-as <login>.",
  session: "A session token: use --session-token (or SG_SESSION_TOKEN).",
  token: "A session token: use --session-token (or SG_SESSION_TOKEN); a script's key goes to --script-key.",
};

/** Never guessed: a typo (`--allow-https`) must not be led to sending credentials in clear text. */
const NEVER_GUESSED: ReadonlySet<string> = new Set(["allow-http"]);

/** Edit distance of `a` and `b`, a swap of two neighbours counting as one edit. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The hint for the unknown option `flag` (`--pat`, `-Z`), or undefined when there is nothing better to say than the
 * list of options.
 *
 * @param flag - the option as node names it in its error, without any value.
 * @param known - the long names the command takes (all of them when the command is not known), without `--`.
 */
export function unknownOptionHint(flag: string, known: readonly string[]): string | undefined {
  if (!flag.startsWith("--")) return undefined;
  const name = flag.slice(2).toLowerCase().replace(/_/g, "-");
  const alias = ALIASES[name];
  if (alias) return alias;
  if (known.includes(name)) return `Use --${name}.`;
  const most = name.length > 5 ? 2 : 1;
  const near = known.filter((k) => !NEVER_GUESSED.has(k)).map((k) => ({ k, d: distance(name, k) })).filter((c) => c.d <= most).sort((x, y) => x.d - y.d);
  // Only one nearest: two as near would be a guess.
  if (near.length === 0 || (near.length > 1 && near[1]!.d === near[0]!.d)) return undefined;
  return `Did you mean --${near[0]!.k}?`;
}
