/**
 * Rename failures that mean the data file cannot be replaced where it is: a file bind-mounted on its own
 * (`docker run -v ./site.json:/data/site.json`: EBUSY) or on another device than its folder (EXDEV).
 */
const IN_PLACE = new Set(['EBUSY', 'EXDEV']);

/**
 * The error of a failed save of `file`, naming it, with `cause` kept; for a file that cannot be replaced in place,
 * it says to mount the folder instead, since every save writes a temporary file beside it and renames it over it.
 */
export function saveError(file: string, cause: unknown): Error {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code ?? '';
  const advice = IN_PLACE.has(code)
    ? `; ${file} cannot be replaced where it is (a file mounted on its own, as by docker run -v ./site.json:/data/site.json): mount the folder, not the file (-v ./data:/data with --data /data/site.json)`
    : '';
  return new Error(`Could not save the site to data file ${file}: ${(cause as Error).message}${advice}`, { cause });
}
