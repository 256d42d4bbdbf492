import { formatDateTime, parseClockInstant } from './clock.js';
import { badInput, excerpt } from './errors.js';

/**
 * The `created_at` an upload form gives its Attachment, as a wire datetime; undefined when the form has none.
 * shotgun_api3's `upload(..., created_at=)` sends it as `isoformat()` (`2026-01-02T03:04:05`) to
 * `/upload/upload_file` and as `str()` (`2026-01-02 03:04:05`) to the cloud-upload endpoints, with a fraction of a
 * second when it has one and `+HH:MM` when it is aware. The emulator has no site time zone, so a time without a
 * zone is taken as UTC, as every other emulator time is.
 *
 * @throws RpcFault (bad input) naming the value when it is no such date-time.
 */
export function uploadCreatedAt(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  const iso = value.trim().replace(' ', 'T');
  try {
    return formatDateTime(parseClockInstant(/(Z|[+-]\d\d:\d\d)$/i.test(iso) ? iso : `${iso}Z`, "'created_at'"));
  } catch {
    throw badInput(`'created_at' must be a date-time such as 2026-01-02T03:04:05 or 2026-01-02 03:04:05 (UTC unless it has a zone), within the years 1970 to 9999; got ${excerpt(value)}`);
  }
}
