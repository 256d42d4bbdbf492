/**
 * `@sg/entities`: the whole ShotGrid api3 surface, typed — find, create, update, delete, revive, batch,
 * summarize, schema, following, work schedule, uploads, downloads and more — as standalone functions that
 * take a client first (`find(client, "Shot", …)`, tree-shakeable) or as one object (`entityApi(client)`).
 *
 * @packageDocumentation
 */
export { entityApi } from "./entity-api.js";
export type { EntityApi } from "./entity-api.js";
export { entityContext, getSessionToken, info } from "./context.js";
export type { EntityApiOptions, EntityApiOptionsArg, EntityContext, EntityTarget, FieldTypeMap, InfoOptions } from "./context.js";
export { find, findOne, iterate } from "./find.js";
export { summarize } from "./summarize.js";
export { create } from "./create.js";
export { update } from "./update.js";
export { deleteEntity, revive } from "./retire.js";
export { batch } from "./batch.js";
export { textSearch, exportPage } from "./text-search.js";
export { schemaEntityRead, schemaFieldCreate, schemaFieldDelete, schemaFieldRead, schemaFieldUpdate, schemaRead } from "./schema.js";
export { follow, followers, following, unfollow } from "./follow.js";
export { activityStreamRead, noteThreadRead } from "./activity.js";
export { preferencesRead, updateProjectLastAccessed, userSubscriptionsCreate, userSubscriptionsRead, workScheduleRead, workScheduleUpdate } from "./site-settings.js";
export { shareThumbnail, upload, uploadFilmstripThumbnail, uploadThumbnail } from "./uploads.js";
export { downloadAttachment, getAttachmentDownloadUrl, openAttachment } from "./downloads.js";
export { navExpand, navSearchEntity, navSearchString } from "./nav.js";
export { f, filterBuilder } from "./filters-builder.js";
export type { FilterBuilder, Operand, RelativeDateUnit } from "./filters-builder.js";
export type { FiltersInput, FilterOperator } from "./filters.js";
export type { CheckedFilters, CheckedTextSearchTypes, FilterOperands, FilterProblem, FiltersByType, FiltersFor, FiltersProblem, TextSearchTypes } from "./checked-filters.js";
export type { FilterPreset, FindOneOptions, FindOptions, OrderItem, SortDirection } from "./find.js";
export type { CheckedOrder, OrderKey } from "./checked-order.js";
export type {
  EntityData, EntityDataByType, EntityLink, EntityRecord, EntitySchema, EntityTypeName, FieldDataType, FieldName, FieldPath, FieldSchema, FoundRecord,
  InputValue, IsLoose, LooseRecord, LooseSchema, OutputValue, PlainObject, Simplify, FlatRecord, SiteSchema, TypedFilterPath, ValueAt, WhereSchemaOpen, WrittenData,
  CheckedFieldName, FileFieldName, LinkOfType, SchemaEntityLink, SchemaLinkTo,
  CheckedPath, FieldList, FieldOf, FieldsInEvery, FieldsNotInEvery, FilterPath, LinkFieldName, LiteralListCheck, LinkTargets, ListedRecord, AnyProperties, NotWritable, DataPassedOn, PathProblem, PathUse, RequiredKeys, SetOnCreate, WritableData, WritableFieldName, WriteKind, WrittenRecord,
} from "./schema-types.js";
export { GROUPING_TYPES, SUMMARY_TYPES } from "./summarize.js";
export type { CheckedFieldItems, Grouping, GroupingType, IsUnion, KnownField, OneSummaryPerField, SummarizeOptions, SummarizeResult, Summaries, SummaryField, SummaryGroup, SummaryType, SummaryValue, UntypedSummaries } from "./summarize.js";
export type { CreateOptions } from "./create.js";
export type { AnyUpdateModes, CheckedUpdateModes, ModesByType, MultiEntityUpdateMode, UpdateModesOf, UpdateOptions } from "./update.js";
export type { BatchCreate, BatchDelete, BatchRequest, BatchResult, BatchResultOf, BatchResults, BatchUpdate, CheckedBatch, DataOf, ReturnFieldsOf } from "./batch.js";
export type { EntityDefinitions, FieldDefinition, FieldDefinitions, SchemaDefinitions, SchemaProperty, SchemaReadOptions } from "./schema.js";
export type { FollowingOptions } from "./follow.js";
export type { ActivityStream, ActivityStreamOptions, EntityFields, NoteThreadOptions } from "./activity.js";
export type { ProjectAccessOptions, UserSubscription, WorkDay, WorkDayReason, WorkScheduleReadOptions, WorkScheduleUpdateOptions } from "./site-settings.js";
export type { ExportPageOptions, TextSearchMatch, TextSearchOptions, TextSearchResult } from "./text-search.js";
export type { NavExpandOptions, NavSearchOptions, NavSeedEntityField } from "./nav.js";
export { parseUploadReply } from "./uploads.js";
export type { FieldUploadOptions, ShareThumbnailOptions, ThumbnailFieldName, UploadOptions, UploadSource } from "./uploads.js";
export type { AttachmentArg, AttachmentInput, AttachmentStream, DownloadOptions, OpenAttachmentOptions } from "./downloads.js";
export type { TransferCallOptions, TransferStep } from "./transfer.js";
export { SgPartialWriteError, SgThumbnailNotReadyError, SgTransferError } from "./errors.js";
export type { PartialWriteErrorOptions, TransferErrorOptions, UploadedThumbnail } from "./errors.js";
