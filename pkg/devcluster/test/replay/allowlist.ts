/**
 * Shared corpus cases devcluster deliberately does not match, each with its reason. At most 10;
 * this list only shrinks (a case that starts matching must be removed: the replay test fails on
 * an allowed case that matches, so the list stays true).
 */
export const ALLOWED_MISMATCHES: ReadonlyMap<string, string> = new Map<string, string>([]);
