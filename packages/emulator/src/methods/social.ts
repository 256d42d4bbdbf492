import type { MethodHandler } from './types.js';

/** Follow, note-thread and activity-stream methods. */
export const socialMethods: Record<string, MethodHandler> = {};
