import type { CaseResult } from './runner';

export interface CategoryScore {
  category: string;
  matched: number;
  total: number;
}

export function scores(results: CaseResult[]): { byCategory: CategoryScore[]; matched: number; total: number } {
  const byCategory = new Map<string, CategoryScore>();
  for (const r of results) {
    const s = byCategory.get(r.category) ?? { category: r.category, matched: 0, total: 0 };
    s.total++;
    if (r.matched) s.matched++;
    byCategory.set(r.category, s);
  }
  const list = [...byCategory.values()].sort((a, b) => (a.category < b.category ? -1 : 1));
  return { byCategory: list, matched: results.filter((r) => r.matched).length, total: results.length };
}

function percent(n: number, d: number): string {
  return d === 0 ? '-' : `${Math.round((100 * n) / d)}%`;
}

/** The printed report: the score per category, then each mismatch grouped by its classification. */
export function formatReport(results: CaseResult[], allowed: ReadonlyMap<string, string> = new Map()): string {
  const { byCategory, matched, total } = scores(results);
  const lines = [`replay: ${matched}/${total} cases match (${percent(matched, total)})`];
  for (const s of byCategory) lines.push(`  ${s.category.padEnd(15)} ${String(s.matched).padStart(3)}/${String(s.total).padEnd(3)} ${percent(s.matched, s.total)}`);
  const failing = results.filter((r) => !r.matched);
  const groups = new Map<string, CaseResult[]>();
  for (const r of failing) {
    const k = r.mismatch?.classification ?? 'error';
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  for (const [classification, list] of [...groups.entries()].sort()) {
    lines.push(`${classification} (${list.length}):`);
    for (const r of list.sort((a, b) => (a.id < b.id ? -1 : 1))) {
      const m = r.mismatch;
      const where = m ? `step ${m.step}${m.during !== undefined ? ` during ${m.during}` : ''}` : '';
      const allow = allowed.has(r.id) ? ' [allowed]' : '';
      lines.push(`  ${r.category}/${r.id}${allow} (${where}): ${m?.what ?? ''}`);
    }
  }
  return lines.join('\n');
}
