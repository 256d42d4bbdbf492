import { describe, expect, it } from "vitest";
import { SecretRegistry, describeError } from "./secret-scan.js";

describe("describeError", () => {
  const secrets = new SecretRegistry();
  secrets.add("MARKsecret-7f3a9c", "script key");

  // Cut first, the secret across the cut was no longer whole, and masking it left its start in the report.
  it("masks a secret across the 200th character of a message before it cuts", () => {
    const line = describeError(new Error(`${"m".repeat(190)} MARKsecret-7f3a9c refused`), secrets);
    expect(line).toBe(`Error: ${"m".repeat(190)} [SECRE...`);
    expect(line).not.toContain("MARK");
  });

  it("masks a secret across the 200th character of a thrown string before it cuts", () => {
    const line = describeError(`${"s".repeat(195)} MARKsecret-7f3a9c`, secrets);
    expect(line).toBe(`a thrown string: ${"s".repeat(195)} [SEC`);
    expect(line).not.toContain("MARK");
  });
});

describe("SecretRegistry.scan", () => {
  // Cut first, the window around the first secret ended inside the second, which masking no longer found whole.
  it("masks a second secret that crosses the edge of the excerpt around the first", () => {
    const secrets = new SecretRegistry();
    secrets.add("vault-token-0123456789abcdef", "secrets(env)[0]");
    const key = "275685dfc88b2770f4459dca7ce7715403feca5cfdc4c8f69264455bae294a82";
    secrets.add(key, "a script key");
    const text = `debug @acme/sg-auth-vault: vault vault-token-0123456789abcdef gave key ${key}`;
    const [first, second] = secrets.scan(text, "log line 1");
    expect(first).toEqual({ where: "log line 1", secret: "secrets(env)[0]", excerpt: "debug @acme/sg-auth-vault: vault [SECRET] gave key [SECRET]" });
    expect(second?.excerpt).toBe(first?.excerpt);
    expect(JSON.stringify(secrets.scan(text, "x"))).not.toContain(key.slice(0, 8));
  });

  it("masks a longer secret that contains a shorter one whole", () => {
    const secrets = new SecretRegistry();
    secrets.add("abcdefgh", "short");
    secrets.add("xx-abcdefgh-yy-long", "long");
    expect(secrets.mask("a xx-abcdefgh-yy-long b abcdefgh")).toBe("a [SECRET] b [SECRET]");
    expect(secrets.scan("a xx-abcdefgh-yy-long b", "t").map((f) => f.excerpt)).toEqual(["a [SECRET] b", "a [SECRET] b"]);
  });
});
