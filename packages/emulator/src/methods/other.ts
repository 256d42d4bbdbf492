import type { MethodHandler } from './types.js';

/** Preferences, work schedule, subscriptions, search, export and last-accessed methods. */
export const otherMethods: Record<string, MethodHandler> = {};
