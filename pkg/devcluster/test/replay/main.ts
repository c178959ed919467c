/**
 * Replays the recorded kube-apiserver corpus against a server and prints the score and the
 * classified mismatches. Without --kubeconfig it starts a bare devcluster.
 *
 *   npx tsx pkg/devcluster/test/replay/main.ts [--kubeconfig FILE] [--concurrency N] [--extra] [case-id ...]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestDevCluster } from '../../src/testing';
import { ALLOWED_MISMATCHES } from './allowlist';
import { EXTRA_DIR, formatReport, loadCases, replay, targetFromKubeconfig } from './index';

async function main(argv: string[]): Promise<number> {
  let kubeconfig: string | undefined;
  let concurrency = 4;
  let extra = false;
  const only: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--kubeconfig') kubeconfig = argv[++i];
    else if (a === '--concurrency') concurrency = Number(argv[++i]);
    else if (a === '--extra') extra = true;
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else only.push(a);
  }
  const dir = mkdtempSync(join(tmpdir(), 'kubeflash-replay-'));
  const started = kubeconfig ? undefined : await startTestDevCluster(dir);
  try {
    const target = await targetFromKubeconfig(kubeconfig ?? started?.kubeconfigPath ?? '');
    const cases = extra ? [...loadCases(), ...loadCases(EXTRA_DIR)] : loadCases();
    const results = await replay(target, { cases, only, concurrency });
    process.stdout.write(`${formatReport(results, ALLOWED_MISMATCHES)}\n`);
    return results.every((r) => r.matched || ALLOWED_MISMATCHES.has(r.id)) ? 0 : 1;
  } finally {
    await started?.devcluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`replay: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(2);
  },
);
