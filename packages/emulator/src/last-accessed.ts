import type { LinkRef, Row } from './store.js';

/** The Project field that reads, for each user, when that user last opened the project. */
export const LAST_ACCESSED = 'last_accessed_by_current_user';

/** Who reads a request's per-user fields (the user it acts as: the sudo user under `sudo_as_login`), and where they are kept. */
export interface Viewer {
  readonly lastAccessed: LastAccessed;
  readonly reader: LinkRef;
}

/** The {@link Viewer} of a request of `principal` on `site`. */
export function viewerOf(site: { readonly lastAccessed: LastAccessed }, principal: { readonly effective: LinkRef }): Viewer {
  return { lastAccessed: site.lastAccessed, reader: principal.effective };
}

/**
 * `Project.last_accessed_by_current_user`, per user: what `update_project_last_accessed_by_current_user` records.
 * It is no site-wide field value: each user reads their own time (null for a project they never opened), and
 * recording it changes nothing else (no `updated_at`, no event, no activity). Saved with `--data`.
 */
export class LastAccessed {
  /** `Type:userId|projectId` → datetime (wire form). */
  private readonly byKey = new Map<string, string>();

  /** Records that `user` opened project `projectId` at `at`. */
  set(user: LinkRef, projectId: number, at: string): void {
    this.byKey.set(`${user.type}:${user.id}|${projectId}`, at);
  }

  /**
   * What `reader` reads in the field of `project`: their own time, else the value the row holds (only a plain
   * `update` of the field writes one; the emulator keeps such a write as one value for every user).
   */
  read(reader: LinkRef, project: Row): unknown {
    return this.byKey.get(`${reader.type}:${reader.id}|${project.id}`) ?? project.f[LAST_ACCESSED] ?? null;
  }

  /** Forgets every time recorded. */
  clear(): void {
    this.byKey.clear();
  }

  /** The times, for a `--data` file. */
  snapshot(): Record<string, string> {
    return Object.fromEntries(this.byKey);
  }

  /** Replaces the times with those of a snapshot (none for a file saved before they were kept). */
  restore(saved: Record<string, string> | undefined): void {
    this.byKey.clear();
    for (const [k, v] of Object.entries(saved ?? {})) if (typeof v === 'string') this.byKey.set(k, v);
  }
}
