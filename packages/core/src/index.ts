export { checkDefaultCallOptions, createClient } from "./client.js";
export type { Client, ClientOptions, ClientHttpRequest, DefaultCallOptions } from "./client.js";
export type { AuthContext, AuthStrategy } from "./auth-strategy.js";
export type {
  CallOptions,
  FormValue,
  HttpRequest,
  HttpResponse,
  RetryOverride,
  RpcRequest,
  TransportContext,
  TransportStrategy,
} from "./transport-strategy.js";
export { describeCredentials, secretsOf } from "./credentials.js";
export type { CredentialOptions, Credentials, ScriptCredentials, SessionCredentials, UserCredentials } from "./credentials.js";
export {
  MAYBE_APPLIED_HINT,
  SgAbortError,
  SgAuthError,
  SgError,
  SgFault,
  SgHttpError,
  SgIdentitySiteError,
  SgNetworkError,
  SgProtocolError,
  SgSsoSiteError,
  SgTimeoutError,
  SgTwoFactorRequiredError,
  SgValidationError,
  describeValue,
  formatPath,
} from "./errors.js";
export type {
  AbortErrorDetails,
  AttemptRecord,
  FaultDetails,
  HttpErrorDetails,
  NetworkErrorDetails,
  SgErrorOptions,
  TimeoutErrorDetails,
  ValidationErrorDetails,
} from "./errors.js";
export { REDACTED, cutText, isSecretKey, redactUrl, redactValue, scrubText } from "./redact.js";
export { isLoopbackHost, parseSite } from "./site.js";
export { shownUrl, urlRefusal } from "./shown-url.js";
export { targetSecrets } from "./target-secrets.js";
export type { ParseSiteOptions, Site } from "./site.js";
export { siteAuthKind, siteVersion } from "./site-info.js";
export type { SiteAuthKind, SiteInfo } from "./site-info.js";
export { methodKind } from "./method-kind.js";
export type { MethodKind } from "./method-kind.js";
export { abortErrorFrom, systemClock } from "./clock.js";
export type { Clock } from "./clock.js";
export { silentLogger } from "./logger.js";
export { guardLogger } from "./guard-logger.js";
export type { Logger } from "./logger.js";
export { ENTITY_REF_KEYS, isEntityRef, trimEntityRef } from "./entity-ref.js";
export type { EntityRef } from "./entity-ref.js";
export { FILTER_RELATIONS, encodeFilters, isWireFilterGroup } from "./filter-codec.js";
export { checkFieldPath, isFieldPath } from "./field-path.js";
export type {
  EncodeFiltersOptions,
  Filter,
  FilterCondition,
  FilterGroup,
  FilterOperator,
  FilterRelation,
  FilterValue,
  WireCondition,
  WireFilterGroup,
} from "./filter-codec.js";
export { decodeDateTime, decodeDateTimeFields, encodeDate, encodeDateTime, encodeWireValues, isWireDate, isWireDateTime } from "./date-codec.js";
export type { DateMode } from "./date-codec.js";
export { checkOptionsObject, copyCallOptions } from "./options-check.js";
export type { OptionsShape } from "./options-check.js";
export { onAbort } from "./abort-listeners.js";
export { copyError } from "./error-copy.js";
export { shareUntilAbandoned } from "./share-until-abandoned.js";
export type { SharedWork } from "./share-until-abandoned.js";
