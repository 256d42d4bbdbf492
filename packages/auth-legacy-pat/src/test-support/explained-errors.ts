import { expect } from "vitest";
import { SgAuthError } from "@sg/core";
import { findSecrets } from "@sg/testing";
import { LegacyErrorCode } from "../login-errors.js";

/** `error` is the explained wrong-password refusal of `login`, and none of `secrets` shows in it. */
export function expectBadPassword(error: unknown, login: string, secrets: readonly string[]): void {
  expect(error).toBeInstanceOf(SgAuthError);
  const e = error as SgAuthError;
  expect(e.code).toBe(LegacyErrorCode.BAD_PASSWORD);
  expect(e.message).toContain(`'${login}'`);
  expect(e.message).toContain("login or password is wrong");
  expect(e.hint).toContain("Check the login");
  expect(findSecrets(e, secrets)).toEqual([]);
}

/** `error` is the explained refusal of a legacy login with no valid PAT on an Identity site, with the binding steps. */
export function expectPatRefused(error: unknown): void {
  expect(error).toBeInstanceOf(SgAuthError);
  const e = error as SgAuthError;
  expect(e.code).toBe(LegacyErrorCode.PAT_REFUSED);
  expect(e.message).toContain("Personal Access Token");
  expect(e.hint).toContain("Autodesk profile");
  expect(e.hint).toContain("Personal Access Tokens → Generate");
  expect(e.hint).toContain("ShotGrid scope");
  expect(e.hint).toContain("Account Settings → Legacy Login and Personal Access Token");
  expect(e.hint).toContain("about an hour");
}

/** `error` says, as the site did, that the bound PAT is no longer valid, and asks for a new one: not that there is none. */
export function expectPatRevoked(error: unknown): void {
  const e = error as SgAuthError;
  expect(e.reason).toContain("the site says the one bound is no longer valid (revoked, deleted or expired)");
  expect(e.reason).not.toContain("there is none");
  expect(e.hint).toMatch(/^Replace it with a new one\. Bind a Personal Access Token/);
}

/** `error` says, as the site did, that no PAT is bound: not that one was revoked. */
export function expectPatMissing(error: unknown): void {
  const e = error as SgAuthError;
  expect(e.reason).toContain("a legacy login only works with a valid Personal Access Token bound to it, and there is none");
  expect(e.reason).not.toContain("no longer valid");
  expect(e.hint).toMatch(/^Bind a Personal Access Token/);
}
