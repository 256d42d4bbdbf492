/**
 * RPC fault codes the emulator answers with. 102/106/108/110 are the protocol's auth codes; the others are the
 * emulator's choice for server-side errors (the Python client maps them all to a plain `Fault`).
 */
export const FaultCode = {
  /** Authentication failed: bad script key, bad password, unknown/expired session, PAT refused, sudo refused. */
  AUTHENTICATION: 102,
  /** Bad input: malformed JSON, unknown method, missing params, unknown type or field, wrong value, not found. */
  BAD_INPUT: 103,
  /** Permission denied: sudo by a non-admin, HumanUser activation by a script on an Identity site, read-only field. */
  PERMISSION: 104,
  /** Two-factor code missing or wrong. */
  TWO_FACTOR: 106,
  /** Username/password login on an SSO site. */
  SSO_PASSWORD: 108,
  /** Username/password login on an Identity site for a user without a passphrase. */
  IDENTITY_PASSWORD: 110,
} as const;

/** A fault answered as `{"exception": true, "message", "error_code"}` with HTTP 200. */
export class RpcFault extends Error {
  /** The `error_code` sent. */
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.name = 'RpcFault';
    this.code = code;
  }
}

/**
 * `value` as text for a message or the request log: a string as it is, anything else as JSON, never `String()` (which
 * throws on `{"toString": 1}`), and "a value nested too deep" where JSON.stringify would overflow the stack.
 */
export function asText(value: unknown): string {
  try {
    return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    return 'a value nested too deep';
  }
}

/**
 * `value` in a refusal message as JSON (or `text`), cut after 100 characters with its length told: a client can send
 * megabytes, and the whole of it made the message as big. Short values read as `JSON.stringify` writes them.
 */
export function excerpt(value: unknown, text: string = typeof value === 'string' ? JSON.stringify(value) : asText(value)): string {
  return text.length > 100 ? `${headOf(text, 100)}… (${typeof value === 'string' ? `a string of ${value.length}` : text.length} characters)` : text;
}

/**
 * The first `length` UTF-16 units of `text`, less a lone half of a surrogate pair the cut would leave at the end (a
 * message a UTF-8 client could not print).
 */
export function headOf(text: string, length: number): string {
  return text.slice(0, length).replace(/[\uD800-\uDBFF]$/, '');
}

/** Shorthand for a {@link FaultCode.BAD_INPUT} fault. */
export function badInput(message: string): RpcFault {
  return new RpcFault(FaultCode.BAD_INPUT, message);
}
