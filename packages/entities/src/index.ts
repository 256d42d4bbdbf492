/**
 * `@sg/entities`: the whole ShotGrid api3 surface, typed — find, create, update, delete, revive, batch,
 * summarize, schema, following, work schedule, uploads, downloads and more.
 *
 * @packageDocumentation
 */
export { entityApi } from "./entity-api.js";
export type { EntityApi, FoundRecord } from "./entity-api.js";
export type { EntityApiOptions, FieldTypeMap } from "./context.js";
export { f, filterBuilder } from "./filters-builder.js";
export type { FilterBuilder, Operand, RelativeDateUnit } from "./filters-builder.js";
export type { FiltersInput, FilterOperator } from "./filters.js";
export type { FilterPreset, FindOneOptions, FindOptions, OrderItem, SortDirection } from "./find.js";
export type {
  EntityData, EntityLink, EntityRecord, EntitySchema, EntityTypeName, FieldDataType, FieldName, FieldPath, FieldSchema,
  InputValue, IsLoose, LooseRecord, LooseSchema, OutputValue, Simplify, SiteSchema, ValueAt,
} from "./schema-types.js";
export { GROUPING_TYPES, SUMMARY_TYPES } from "./summarize.js";
export type { Grouping, GroupingType, SummarizeOptions, SummarizeResult, SummaryField, SummaryGroup, SummaryType } from "./summarize.js";
export type { CreateOptions } from "./create.js";
export type { MultiEntityUpdateMode, UpdateOptions } from "./update.js";
export type { BatchCreate, BatchDelete, BatchRequest, BatchResult, BatchUpdate } from "./batch.js";
export type { EntityDefinitions, FieldDefinition, FieldDefinitions, SchemaDefinitions, SchemaProperty, SchemaReadOptions } from "./schema.js";
export type { FollowingOptions } from "./follow.js";
export type { ActivityStream, ActivityStreamOptions, EntityFields, NoteThreadOptions } from "./activity.js";
export type { ProjectAccessOptions, UserSubscription, WorkDay, WorkDayReason, WorkScheduleReadOptions, WorkScheduleUpdateOptions } from "./site-settings.js";
export type { ExportPageOptions, TextSearchMatch, TextSearchOptions, TextSearchResult } from "./text-search.js";
export { parseUploadReply } from "./uploads.js";
export type { ShareThumbnailOptions, UploadOptions, UploadSource } from "./uploads.js";
export type { AttachmentInput, DownloadOptions } from "./downloads.js";
export { SgPartialWriteError, SgThumbnailNotReadyError, SgTransferError } from "./errors.js";
export type { PartialWriteErrorOptions, TransferErrorOptions } from "./errors.js";
