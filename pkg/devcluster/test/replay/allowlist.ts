/**
 * Shared corpus cases devcluster deliberately does not match, each with its reason. At most 10;
 * this list only shrinks: the replay test fails when an allowed case starts to match, so that it
 * is removed here. Empty: devcluster matches every shared case.
 */
export const ALLOWED_MISMATCHES: ReadonlyMap<string, string> = new Map<string, string>([]);
