/**
 * A state-changing method of an {@link EmulatorHandle} called after its `close()`. A closed emulator changes nothing
 * and saves nothing: its `dataFile` may belong to another emulator by then, whose saves a late `reset()` of the old
 * handle (a stray `afterEach`) would otherwise overwrite.
 */
export class EmulatorClosedError extends Error {
  /** Always `EmulatorClosedError`. */
  override readonly name: string = 'EmulatorClosedError';
  /** The handle method that was refused, e.g. `reset`. */
  readonly method: string;

  /** @param method - The handle method called after `close()`, e.g. `reset`. */
  constructor(method: string) {
    super(`sg-emulator: ${method}() was called after close(): this emulator was closed (start a new one with startEmulator)`);
    this.method = method;
  }
}
