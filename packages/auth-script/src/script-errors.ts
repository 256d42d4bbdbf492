import { SgAuthError, SgFault } from "@sg/core";
import type { FaultDetails } from "@sg/core";

/** The stable `code` of every diagnostic this package produces. */
export const ScriptErrorCode = {
  /** The site refused the script name or application key (fault 102). */
  REJECTED: "SG_SCRIPT_REJECTED",
  /** `sudoAsLogin` names an inactive HumanUser. */
  SUDO_INACTIVE_USER: "SG_SCRIPT_SUDO_INACTIVE_USER",
  /** `sudoAsLogin` names no HumanUser, or a retired one. */
  SUDO_UNKNOWN_USER: "SG_SCRIPT_SUDO_UNKNOWN_USER",
  /** The target user has `can_impersonate_this_user` turned off. */
  SUDO_NOT_ALLOWED: "SG_SCRIPT_SUDO_NOT_ALLOWED",
  /** The script's permission role does not allow `sudo` at all. */
  SUDO_FORBIDDEN: "SG_SCRIPT_SUDO_FORBIDDEN",
  /** Autodesk Identity sites: scripts (and sudo targets) may not activate HumanUsers. */
  CANNOT_ACTIVATE_USER: "SG_SCRIPT_CANNOT_ACTIVATE_USER",
} as const;

/** One of the values of {@link ScriptErrorCode}. */
export type ScriptErrorCodeValue = (typeof ScriptErrorCode)[keyof typeof ScriptErrorCode];

/** An authentication refusal of script credentials, explained: bad name/key or a refused `sudo_as_login`. */
export class SgScriptAuthError extends SgAuthError {
  /** Which refusal this is. */
  declare readonly code: ScriptErrorCodeValue;
  /** @param message - the failure, in one sentence. */
  constructor(message: string, options: FaultDetails & { readonly code: ScriptErrorCodeValue }) {
    super(message, options);
  }
}

/**
 * The site refused to activate a HumanUser because the caller is a script (or uses `sudo_as_login`) on an
 * Autodesk Identity site. The site reports it as a permission fault, so it extends {@link SgFault}.
 */
export class SgScriptActivationError extends SgFault {
  /** Always {@link ScriptErrorCode.CANNOT_ACTIVATE_USER}. */
  declare readonly code: typeof ScriptErrorCode.CANNOT_ACTIVATE_USER;
  /** @param message - the failure, in one sentence. */
  constructor(message: string, options: FaultDetails) {
    super(message, { ...options, code: ScriptErrorCode.CANNOT_ACTIVATE_USER });
  }
}
