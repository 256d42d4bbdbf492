/**
 * A retry helper as users write them: it runs `write` once more unless its failure says the write may have landed
 * (`maybeSent: true`). Resolves to the result, or to the error it gave up on.
 */
export async function retryUnlessMaybeSent(write: () => Promise<unknown>): Promise<unknown> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if ((error as { maybeSent?: unknown }).maybeSent === true || attempt >= 2) return error;
    }
  }
}
