import type { Case } from './case';
import { applyCorpusCrds, loadCases } from './corpus';
import { ReplayHttp, type Target } from './http';
import { runCases, type CaseResult } from './runner';

export { loadCases, EXTRA_DIR, CORPUS_DIR } from './corpus';
export { targetFromKubeconfig, type Target } from './http';
export { formatReport, scores } from './report';
export type { CaseResult } from './runner';

export interface ReplayOptions {
  cases?: Case[];
  /** Only these case ids. */
  only?: string[];
  concurrency?: number;
  /** Called as each case finishes. */
  onResult?: (r: CaseResult) => void;
}

/** Applies the corpus CRDs to the target, then runs the cases. */
export async function replay(target: Target, options: ReplayOptions = {}): Promise<CaseResult[]> {
  const http = new ReplayHttp(target);
  try {
    await applyCorpusCrds(http);
    let cases = options.cases ?? loadCases();
    if (options.only?.length) cases = cases.filter((c) => options.only?.includes(c.id));
    return await runCases(http, cases, options.concurrency ?? 4, options.onResult);
  } finally {
    http.close();
  }
}
