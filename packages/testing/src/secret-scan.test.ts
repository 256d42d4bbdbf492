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
