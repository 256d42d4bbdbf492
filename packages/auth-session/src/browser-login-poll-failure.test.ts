import { describe, expect, it } from "vitest";
import { createCapturingLogger, findSecrets, rejectionOf } from "@sg/testing";
import { SessionErrorCode, SgBrowserLoginError, browserLogin } from "./index.js";
import { ID, approvalSite } from "./test-support/approval-site.js";

describe("browserLogin keeps the request id out of retries and network errors", () => {
  it("logs a retried poll (a 502 once) with <id> in place of the id", async () => {
    const site = await approvalSite((n) => (n === 1 ? 502 : 200));
    const logger = createCapturingLogger();
    const result = await browserLogin({ site: site.url, appName: "auth-session tests", machineId: "m", pollIntervalMs: 10, onUrl: () => undefined, logger });
    expect(result.userLogin).toBe("coord");
    expect(site.polls()).toBe(2);
    const lines = logger.text();
    expect(lines.some((line) => line.includes(`PUT ${site.url}/internal_api/app_session_request/<id> failed, retrying`))).toBe(true);
    expect(lines.join("\n")).not.toContain(ID);
  });

  it("says which site it could not reach when every poll drops, without the id in logs or the error", { timeout: 15_000 }, async () => {
    const site = await approvalSite(() => "drop");
    const logger = createCapturingLogger();
    const error = await rejectionOf(browserLogin({ site: site.url, appName: "auth-session tests", machineId: "m", pollIntervalMs: 10, onUrl: () => undefined, logger }));
    expect(error).toBeInstanceOf(SgBrowserLoginError);
    expect(error).toMatchObject({ code: SessionErrorCode.BROWSER_LOGIN_FAILED });
    expect((error as Error).message).toContain(`could not reach ${site.url}/internal_api/app_session_request/<id>`);
    expect(findSecrets(error, [ID])).toEqual([]);
    expect(JSON.stringify((error as SgBrowserLoginError).toJSON())).not.toContain(ID);
    expect(site.polls()).toBe(4);
    expect(logger.text().join("\n")).not.toContain(ID);
  });
});
