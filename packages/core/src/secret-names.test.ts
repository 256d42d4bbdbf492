import { describe, expect, it } from "vitest";
import { secretsOf, type Credentials } from "./credentials.js";
import { SgFault } from "./errors.js";
import { REDACTED, isSecretKey, redactValue, scrubText } from "./redact.js";

// Names a custom strategy's `extra` auth params, a vault or another product may give a secret.
const SECRET_NAMES = [
  "api_token",
  "vault_token",
  "apiToken",
  "X-Api-Key",
  "private_key",
  "client_secret",
  "db_password",
  "passwd",
  "pwd",
  "passphrase",
  "credential",
  "refresh_credentials",
  "otp",
  "set-cookie",
  "Authorization",
  // The names known before, joined or not.
  "script_key",
  "apikey",
  "sessionToken",
  "session_id",
  "auth_token",
  "user_password",
  // HumanUser's write-only field of data type "password" (a site's schema), which sets a person's password.
  "password_proxy",
  "passwordProxy",
  // The signature of a signed (presigned) link's query: S3's, CloudFront's, Google Cloud Storage's, Azure's SAS.
  "X-Amz-Signature",
  "Signature",
  "X-Goog-Signature",
  "sig",
  "x-amz-signature",
  "X-Hub-Signature",
];
// Names that stay visible: the public half of credentials, and words that merely contain a secret word.
const VISIBLE_NAMES = ["sudo_as_login", "login", "script_name", "scriptName", "session_uuid", "product", "keyword", "monkey", "tokenizer", "passage", "secretary", "api_version", "key", "key_id", "token_type", "cookie_policy", "credential_id", "password_strength", "password_change_next_login", "signature_required", "sig_figs", "signatures", "signature_version", "design", "signal", "X-Amz-SignedHeaders", "X-Amz-Algorithm", "X-Amz-Expires",
  // A site's own fields named for a signature (an approver's name, an e-mail footer): readable values, not a link's.
  "sg_signature", "sg_sig", "email_signature", "sg_approval_signature", "sg_digital_signature", "sg_client_sig", "sg_is_sig"];

describe("which names hold a secret (isSecretKey)", () => {
  it("a name whose last word is a secret word (split at _, -, spaces and camelCase) but a bare key, or a known joined name", () => {
    expect(SECRET_NAMES.filter((name) => !isSecretKey(name))).toEqual([]);
    expect(VISIBLE_NAMES.filter((name) => isSecretKey(name))).toEqual([]);
  });

  it("hides HumanUser's password_proxy in a create or update echoed by a site, and keeps its readable password fields", () => {
    expect(scrubText('{"password_proxy": "Tr0ub4dor&3", "password_strength": 0.8}')).toBe(`{"password_proxy": "[REDACTED]", "password_strength": 0.8}`);
    expect(redactValue({ data: { login: "ann", password_proxy: "Tr0ub4dor&3", password_change_next_login: true } })).toEqual({ data: { login: "ann", password_proxy: "[REDACTED]", password_change_next_login: true } });
  });

  it("leaves a site's ordinary fields readable: a bare key, an id or type after a secret word", () => {
    expect(scrubText('{"key": "sg_status_list", "token_type": "bearer"} credential_id=7')).toBe('{"key": "sg_status_list", "token_type": "bearer"} credential_id=7');
  });

  it("decides what redactValue and scrubText hide", () => {
    expect(redactValue({ api_token: "vlt-0123456789", sudo_as_login: "ann" })).toEqual({ api_token: "[REDACTED]", sudo_as_login: "ann" });
    expect(scrubText('{"vault_token": "vlt-0123456789", "product": "rv"} x_api_key=vlt-0123456789&login=ann')).toBe(
      '{"vault_token": "[REDACTED]", "product": "rv"} x_api_key=[REDACTED]&login=ann',
    );
  });
});

describe("a signed link's signature (scrubText)", () => {
  it("hides the signature of an S3, CloudFront, Azure or Google Cloud Storage link, and keeps its other parameters", () => {
    const links = [
      ["https://b.s3.amazonaws.com/o?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA1&X-Amz-Signature=abcdef0123", `https://b.s3.amazonaws.com/o?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${REDACTED}&X-Amz-Signature=${REDACTED}`],
      ["https://d1.cloudfront.net/v.mov?Expires=1&Signature=abcDEF123~xyz&Key-Pair-Id=K1", `https://d1.cloudfront.net/v.mov?Expires=1&Signature=${REDACTED}&Key-Pair-Id=K1`],
      ["https://acct.blob.core.windows.net/c/v.mov?sv=2021&sig=abcdef0123%3D&se=2026", `https://acct.blob.core.windows.net/c/v.mov?sv=2021&sig=${REDACTED}&se=2026`],
      ["https://storage.googleapis.com/b/o?X-Goog-Signature=abcdef0123&X-Goog-Expires=60", `https://storage.googleapis.com/b/o?X-Goog-Signature=${REDACTED}&X-Goog-Expires=60`],
      ['{"signature": "abcdef0123", "signature_required": true}', `{"signature": "${REDACTED}", "signature_required": true}`],
      // A ShotGrid field named for a signature is an ordinary value, in a site's echo or a form-encoded message.
      ['{"type":"HumanUser","sg_signature":"Jane Doe, Lead","sg_sig":"JD"}', '{"type":"HumanUser","sg_signature":"Jane Doe, Lead","sg_sig":"JD"}'],
      ["field sg_signature=Approved is not valid", "field sg_signature=Approved is not valid"],
    ];
    for (const [text, scrubbed] of links) expect(scrubText(text!)).toBe(scrubbed);
  });
});

describe("secretsOf", () => {
  it("includes the extra auth params whose name holds a secret, strings and numbers, and no public name", () => {
    const credentials: Credentials = {
      kind: "script",
      scriptName: "bot",
      scriptKey: "key-0123456789",
      sudoAsLogin: "ann",
      extra: { api_token: "vlt-0123456789", pin_code: "not-a-secret-name", vault_token: 98765432, product: "rv", apiKey: "bot", secret: true },
    };
    expect(secretsOf(credentials)).toEqual(["key-0123456789", "vlt-0123456789", "98765432"]);
  });

  it("so an error quoting the site scrubs them, and keeps the other extras and the sudo login readable", () => {
    const credentials: Credentials = { kind: "session", sessionToken: "tok-0123456789", sudoAsLogin: "ann", extra: { vault_token: "vlt-0123456789", product: "pipeline-tool" } };
    const site = "vault vlt-0123456789 refused for ann (pipeline-tool)";
    const error = new SgFault(`fault: ${scrubText(site, secretsOf(credentials))}`, { serverMessage: site, secrets: secretsOf(credentials) });
    expect(error.message).toBe("fault: vault [REDACTED] refused for ann (pipeline-tool)");
    expect(error.serverMessage).toBe("vault [REDACTED] refused for ann (pipeline-tool)");
  });
});
