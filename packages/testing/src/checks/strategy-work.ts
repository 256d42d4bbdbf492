import type { RecordedRequest } from "@sg/emulator";
import { authWork, plural, type AuthWork, type Tally } from "../harness.js";

/** Methods a strategy may use to log in: counted as logins, and faults are injected on them to provoke its errors. */
export const LOGIN_METHODS: readonly string[] = ["get_session_token"];

/** What the strategy did in a window of a check: on the site, and in the credentials the kit's calls carried. */
export interface StrategyWork {
  /** Login requests (`get_session_token`) the site saw. */
  readonly logins: number;
  /** Distinct credentials objects the kit's calls carried. */
  readonly objects: number;
  /** Of those, the ones no call carried before the window. */
  readonly fresh: number;
  /** Calls of `onRejected()`. */
  readonly rejections: number;
  /** Of those, the calls made after held-back answers were released. */
  readonly late: number;
  /** Every request besides the kit's own sends (a login may take several). */
  readonly work: AuthWork;
}

/** Compare two tallies of one session, with the site's requests between them. */
export function strategyWork(window: readonly RecordedRequest[], before: Tally, after: Tally): StrategyWork {
  const carried = after.sent.slice(before.sent.length);
  const earlier = new Set(before.sent);
  return {
    logins: window.filter((r) => LOGIN_METHODS.includes(r.method_name ?? "")).length,
    objects: new Set(carried).size,
    fresh: new Set(carried.filter((c) => !earlier.has(c))).size,
    rejections: after.rejections - before.rejections,
    late: after.late - before.late,
    work: authWork(window, after.reached - before.reached),
  };
}

/** E.g. `1 login (get_session_token), 1 credentials object carried, 0 onRejected() calls; 1 auth request besides the calls (emulator saw …)`. */
export function describeWork(w: StrategyWork): string {
  return `${plural(w.logins, "login")} (${LOGIN_METHODS.join(", ")}), ${plural(w.objects, "credentials object")} carried, ${plural(w.rejections, "onRejected() call")}; ${plural(w.work.count, "auth request")} besides the calls (emulator saw ${w.work.breakdown})`;
}

/**
 * Problems of a window without a refusal to renew after: more than one login, or more credentials objects than
 * the refusals explain. `advice` says how to keep to one login.
 */
export function cacheProblems(w: StrategyWork, advice: string): string[] {
  const problems: string[] = [];
  if (w.logins > 1) problems.push(`${plural(w.logins, "login")}: expected at most 1: ${advice}`);
  if (w.objects > 1 + w.rejections) {
    problems.push(
      `the calls carried ${w.objects} different credentials objects with ${plural(w.rejections, "refusal")} to renew one: expected one object, cached and handed to every caller (a new object per call is work the site does not see, such as a secrets store asked on every call, and makes each refusal a refresh of its own)`,
    );
  }
  return problems;
}

/**
 * Problems of a window after the credentials were refused (`n` calls): more than one refresh (login or
 * `onRejected()` call), or more new credentials objects than one renewal. The advice on refusals that arrived
 * after the refresh had finished is given only when an `onRejected()` call came after held answers were released.
 */
export function refreshProblems(w: StrategyWork, n: number, when: string): string[] {
  const problems: string[] = [];
  if (w.logins > 1 || w.rejections > 1) {
    const late =
      w.late > 0
        ? `; ${plural(w.late, "onRejected() call")} came for refusals held back until the other calls had settled, after the refresh had finished: when onRejected() gets credentials that were already replaced, return the current ones instead of logging in again`
        : "";
    problems.push(`${plural(w.logins, "login")} and ${plural(w.rejections, "onRejected() call")} ${when}: expected at most 1 refresh shared by all ${n} calls (return the same credentials object to concurrent callers and refresh single-flight)${late}`);
  }
  if (w.fresh > Math.max(1, w.rejections)) {
    problems.push(`the calls carried ${w.fresh} new credentials objects ${when}: expected at most 1 renewal, handed to every caller`);
  }
  return problems;
}
