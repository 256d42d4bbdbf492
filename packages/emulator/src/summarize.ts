import { badInput } from './errors.js';
import type { MethodCall } from './methods/types.js';

/** `summarize`. */
export function summarizeMethod(call: MethodCall): unknown {
  void call;
  throw badInput('summarize is not implemented yet');
}
