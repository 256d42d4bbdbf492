import { describe, expect, it } from 'vitest';
import { saveError } from './save-error.js';

const failure = (code: string, message: string): NodeJS.ErrnoException => Object.assign(new Error(message), { code });

// A rename that fails with EBUSY (over a bind-mounted file) or EXDEV cannot be made to happen here without mounting:
// this checks the words a save failure gets for each code.
describe('the error of a failed save', () => {
  it('names the file and keeps the cause', () => {
    const cause = failure('ENOSPC', 'ENOSPC: no space left on device, write');
    const err = saveError('/data/site.json', cause);
    expect(err.message).toBe('Could not save the site to data file /data/site.json: ENOSPC: no space left on device, write');
    expect(err.cause).toBe(cause);
  });

  it('advises mounting the folder, not the file, when the file cannot be replaced (EBUSY, EXDEV)', () => {
    for (const code of ['EBUSY', 'EXDEV']) {
      const err = saveError('/data/site.json', failure(code, `${code}: rename '/data/site.json.tmp-1' -> '/data/site.json'`));
      expect(err.message).toMatch(new RegExp(`^Could not save the site to data file /data/site.json: ${code}: rename .*; `));
      expect(err.message).toContain('mount the folder, not the file');
    }
  });
});
