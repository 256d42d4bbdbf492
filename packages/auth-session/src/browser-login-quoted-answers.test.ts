import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { createCapturingLogger, findSecrets, rejectionOf } from "@sg/testing";
import { SessionErrorCode, SgBrowserLoginError, browserLogin } from "./index.js";
import { ID, approvalSite } from "./test-support/approval-site.js";

// An answer browserLogin does not understand is quoted in its error, to say what came back; polling with the
// approval request's id hands out the session once the person approves, so the quote shows it as <id>.
describe("browserLogin quotes unexpected answers without the request id", () => {
  const login = async (site: { url: string }): Promise<SgBrowserLoginError> => {
    const logger = createCapturingLogger();
    const error = await rejectionOf(browserLogin({ site: site.url, appName: "auth-session tests", machineId: "m", pollIntervalMs: 10, onUrl: () => undefined, logger }));
    expect(error).toBeInstanceOf(SgBrowserLoginError);
    expect((error as SgBrowserLoginError).code).toBe(SessionErrorCode.BROWSER_LOGIN_FAILED);
    expect(findSecrets(error, [ID])).toEqual([]);
    expect(inspect(error)).not.toContain(ID);
    expect(logger.text().join("\n")).not.toContain(ID);
    return error as SgBrowserLoginError;
  };

  it("of a poll: a proxy's error page that echoes the request line", async () => {
    const error = await login(await approvalSite(() => [400, `Bad request: PUT /internal_api/app_session_request/${ID}`]));
    expect(error.message).toContain("unexpected answer to a poll of the approval request: HTTP 400 Bad request: PUT /internal_api/app_session_request/<id>");
  });

  it("of an approval without a session token", async () => {
    const error = await login(await approvalSite(() => [200, JSON.stringify({ approved: true, sessionRequestId: ID })]));
    expect(error.message).toContain(`approved without a sessionToken): HTTP 200 {"approved":true,"sessionRequestId":"<id>"}`);
  });

  it("of the approval request, when its url is no http(s) URL", async () => {
    const error = await login(await approvalSite(() => 200, () => `javascript:alert('${ID}')`));
    expect(error.message).toContain(`"sessionRequestId":"<id>"`);
  });
});
