// The "works today / coming" tables of the README, the architecture doc and the chart README: every
// "works today" row names at least one command or test, and each of those exists.
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const DOCS = ['README.md', 'docs/ARCHITECTURE.md', 'charts/kubeflash/README.md'];

interface Row {
  doc: string;
  capability: string;
  status: string;
  shownBy: string[];
}

/** Rows of the table under the `## Works today / coming` heading of a Markdown file. */
function worksTodayRows(doc: string): Row[] {
  const text = readFileSync(join(repoRoot, doc), 'utf8');
  const start = text.indexOf('## Works today / coming');
  if (start < 0) throw new Error(`${doc} has no "## Works today / coming" section`);
  const section = text.slice(start).split(/\n## /)[0];
  return section
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|\s*-/.test(line))
    .slice(1)
    .map((line) => {
      const cells = line.split('|').slice(1, -1).map((cell) => cell.trim());
      return { doc, capability: cells[0], status: cells[1], shownBy: [...(cells[2] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]) };
    });
}

const rows = DOCS.flatMap(worksTodayRows);
const rootScripts = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
const cli = join(repoRoot, 'pkg', 'cli', 'bin', 'kubeflash.js');

describe('works today / coming tables', () => {
  it('every row is "works today" or "coming (issue N)"', () => {
    for (const row of rows) expect(`${row.doc}: ${row.status}`).toMatch(/: (works today|coming \(issues? [\d, ]+\))$/);
  });

  it.each(rows.filter((row) => row.status === 'works today').map((row) => [row.doc, row.capability, row] as const))('%s: "%s" names what shows it, and it exists', (_doc, _capability, row) => {
    expect(row.shownBy.length).toBeGreaterThan(0);
    for (const reference of row.shownBy) {
      const npmRun = /^npm run (\S+)$/.exec(reference);
      const kubeflash = /^npx kubeflash (\S+)/.exec(reference);
      if (npmRun) {
        expect(Object.keys(rootScripts)).toContain(npmRun[1]);
      } else if (kubeflash) {
        const help = spawnSync(process.execPath, [cli, kubeflash[1], '--help'], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
        expect(`${reference}: exit ${help.status} ${help.stderr}`).toBe(`${reference}: exit 0 `);
      } else {
        expect(`${reference} exists: ${existsSync(join(repoRoot, reference))}`).toBe(`${reference} exists: true`);
      }
    }
  });
});
