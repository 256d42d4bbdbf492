/** Test helper: one emulator site shared by the tests of a file, started before them and closed after them. */
import { afterAll, beforeAll, expect } from "vitest";
import { SgValidationError } from "@sg/core";
import { startSite, type TestSite } from "./site.js";

/** Register the hooks that start and close a site; the returned function gives it to a test. */
export function useSite(): () => TestSite {
  let site: TestSite | undefined;
  beforeAll(async () => {
    site = await startSite();
  });
  afterAll(() => site?.close());
  return () => {
    if (site === undefined) throw new Error("@sg/entities test: the site is used before it started");
    return site;
  };
}

/** The demo fixtures' first project, as a link. */
export function demoProject(site: TestSite): { type: "Project"; id: number } {
  const { id } = site.emulator.card.projects[0] as { id: number };
  return { type: "Project", id };
}

/** The validation error `call` fails with, checking that the site received no request meanwhile. */
export async function refusalOn(site: TestSite, call: () => Promise<unknown>): Promise<SgValidationError> {
  const before = site.emulator.requests().length;
  const error = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(site.emulator.requests().length).toBe(before);
  expect(error).toBeInstanceOf(SgValidationError);
  return error as SgValidationError;
}
