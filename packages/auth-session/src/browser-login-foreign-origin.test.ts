import { describe, expect, it } from "vitest";
import { createCapturingLogger, findSecrets, rejectionOf } from "@sg/testing";
import { SessionErrorCode, SgBrowserLoginError, browserLogin } from "./index.js";
import { ID, approvalSite } from "./test-support/approval-site.js";

/** The site denies every poll (404): a login that got as far as polling fails with BROWSER_LOGIN_REJECTED. */
const denied = (): number => 404;

describe("browserLogin refuses an approval URL that is not on the site's origin", () => {
  it.each([
    ["another host", () => `http://evil.test/app_session_request/${ID}?x=1&calc.exe`, "http://evil.test/app_session_request/<id>"],
    ["another port", (port: number) => `http://127.0.0.1:${port + 1}/app_session_request/${ID}`, "/app_session_request/<id>"],
    ["https on the same host", (port: number) => `https://127.0.0.1:${port}/app_session_request/${ID}`, "https://127.0.0.1:"],
  ])("%s: a typed error naming what came back, nothing shown, opened or polled, no id", async (_what, approvalUrl, named) => {
    const site = await approvalSite(denied, approvalUrl);
    const opened: string[] = [];
    const logger = createCapturingLogger();
    const error = await rejectionOf(
      browserLogin({ site: site.url, appName: "auth-session tests", machineId: "m", pollIntervalMs: 10, logger, onUrl: (u) => void opened.push(`onUrl ${u}`), open: (u) => void opened.push(`open ${u}`) }),
    );
    expect(error).toBeInstanceOf(SgBrowserLoginError);
    expect(error).toMatchObject({ code: SessionErrorCode.BROWSER_LOGIN_FAILED });
    const message = (error as Error).message;
    expect(message).toMatch(/^@sg\/auth-session: the approval URL the site returned is not on the site's origin http:\/\/127\.0\.0\.1:\d+: got /);
    expect(message).toContain(named);
    expect(opened).toEqual([]);
    expect(site.polls()).toBe(0);
    expect(findSecrets(error, [ID])).toEqual([]);
    expect(logger.text().join("\n")).not.toContain(ID);
  });

  it("still opens one on the site's own origin (the control)", async () => {
    const site = await approvalSite(denied);
    const opened: string[] = [];
    const error = await rejectionOf(browserLogin({ site: site.url, appName: "auth-session tests", machineId: "m", pollIntervalMs: 10, onUrl: () => undefined, open: (u) => void opened.push(u) }));
    expect(error).toMatchObject({ code: SessionErrorCode.BROWSER_LOGIN_REJECTED });
    expect(opened).toEqual([`${site.url}/app_session_request/${ID}`]);
  });
});
