/**
 * The Rancher extension as the Extensions page gets it: `yarn build-pkg kubeflash`, then the Helm chart
 * `yarn publish-pkgs` makes from the shell's own chart template (scripts/extension/helm/charts/ui-plugin-server),
 * its `helm/scripts/patch` edits and its `helmpatch` script, checked by scripts/check-extension-chart.mjs against
 * what Rancher's extension manager reads. publish-pkgs itself needs mikefarah's yq v4, which no registry here
 * has, so its yq edits are applied below exactly as the patch script words them; the CI workflow
 * (.github/workflows/chart.yml, job extension-catalog) runs the real publish-pkgs and the same check.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dump, load } from 'js-yaml';
import { HELM_VERSION, helmBinary } from '../../pkg/install/test/helm';
// @ts-expect-error plain JavaScript module shared with the CI workflow
import { checkExtensionChart } from '../../scripts/check-extension-chart.mjs';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const shellDir = dirname(createRequire(import.meta.url).resolve('@rancher/shell/package.json'));
const template = join(shellDir, 'scripts', 'extension', 'helm', 'charts', 'ui-plugin-server');
const packageFile = join(repoRoot, 'pkg', 'kubeflash', 'package.json');
const pkg = JSON.parse(readFileSync(packageFile, 'utf8')) as { name: string; version: string; description?: string; keywords?: string[]; icon?: string; homepage?: string; rancher?: { annotations?: Record<string, string>; noAuth?: boolean } };
const distDir = join(repoRoot, 'dist-pkg', `${pkg.name}-${pkg.version}`);
const SOURCE = 'kubeflash/kubeflash';
const ENDPOINT = `https://raw.githubusercontent.com/${SOURCE}/gh-pages/extensions/${pkg.name}/${pkg.version}`;

type Check = (chartDir: string, distDir: string, options: { helm: string; endpoint?: string }) => string[];

let helm: string | undefined;
let work: string;

/** The edits helm/scripts/patch makes with yq (name, versions, description, keywords, icon, home, plugin.metadata, noAuth). */
function patchLikeTheShell(chartDir: string, packageJson: typeof pkg): void {
  const chartFile = join(chartDir, 'Chart.yaml');
  const valuesFile = join(chartDir, 'values.yaml');
  const chart = load(readFileSync(chartFile, 'utf8')) as Record<string, unknown>;
  const values = load(readFileSync(valuesFile, 'utf8')) as { plugin: { metadata: Record<string, string>; noAuth: boolean } };
  chart.name = packageJson.name; // yq ".name = REPO"
  chart.appVersion = packageJson.version; // yq ".appVersion = TAG"
  chart.version = packageJson.version; // yq ".version = TAG"
  if (packageJson.description !== undefined) chart.description = packageJson.description;
  else delete chart.description; // jq prints null -> yq "del(.description)"
  if (packageJson.icon !== undefined) chart.icon = packageJson.icon;
  else delete chart.icon;
  if (packageJson.keywords !== undefined) chart.keywords = packageJson.keywords;
  else delete chart.keywords;
  if (packageJson.homepage !== undefined) chart.home = packageJson.homepage;
  else delete chart.home;
  for (const [key, value] of Object.entries(packageJson.rancher?.annotations ?? {})) values.plugin.metadata[key] = value; // yq '.plugin.metadata["k"] = "v"'
  if (packageJson.rancher?.noAuth === true) values.plugin.noAuth = true;
  writeFileSync(chartFile, dump(chart));
  writeFileSync(valuesFile, dump(values));
}

/** The chart as publish-pkgs makes it for a GitHub (gh-pages) release of `packageJson`. */
function publishChart(name: string, packageJson: typeof pkg): string {
  const chartDir = join(work, name);
  cpSync(template, chartDir, { recursive: true });
  patchLikeTheShell(chartDir, packageJson);
  const pkgFile = join(work, `${name}-package.json`);
  writeFileSync(pkgFile, JSON.stringify(packageJson));
  const patched = spawnSync(process.execPath, [join(shellDir, 'scripts', 'extension', 'helmpatch'), chartDir, pkgFile], {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '', GITHUB_BUILD: 'true', GITHUB_SOURCE: SOURCE, GITHUB_BRANCH: 'gh-pages' },
  });
  if (patched.status !== 0) throw new Error(`the shell's helmpatch failed: ${patched.stdout}${patched.stderr}`);
  return chartDir;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'kubeflash-catalog-'));
  const found = await helmBinary();
  helm = found.path;
  if (!helm) {
    console.warn(`SKIPPED: the extension catalog check needs helm ${HELM_VERSION}: ${found.reason}`);
    return;
  }
  const built = spawnSync('npm', ['run', '-s', 'build-pkg', pkg.name], { cwd: repoRoot, encoding: 'utf8', timeout: 600_000, env: { ...process.env, NODE_OPTIONS: '' } });
  if (built.status !== 0) throw new Error(`yarn build-pkg ${pkg.name} failed:\n${built.stdout.slice(-3000)}${built.stderr.slice(-3000)}`);
}, 660_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the kubeflash extension in the Rancher extension catalog', () => {
  it('publishes a chart and UIPlugin that Rancher lists, accepts for Rancher 2.10 to 2.13 and loads from the built files', () => {
    if (!helm) return;
    const chartDir = publishChart('kubeflash', pkg);
    expect((checkExtensionChart as Check)(chartDir, distDir, { helm, endpoint: ENDPOINT })).toEqual([]);
    const lint = spawnSync(helm, ['lint', '--strict', chartDir], { encoding: 'utf8' });
    expect(lint.stdout).toContain('0 chart(s) failed');
    const chart = load(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8')) as { annotations: Record<string, string>; keywords: string[] };
    expect(chart.annotations).toMatchObject({
      'catalog.cattle.io/ui-component': 'plugins',
      'catalog.cattle.io/display-name': 'kubeflash',
      'catalog.cattle.io/ui-extensions-version': '>= 3.0.0 < 4.0.0',
      'catalog.cattle.io/rancher-version': '>= 2.10.0-0',
    });
    expect(chart.keywords).toContain('esp32');
  });

  it.each([
    ['without ui-extensions-version', (p: typeof pkg) => ({ ...p, rancher: { annotations: { 'catalog.cattle.io/rancher-version': '>= 2.10.0-0' } } }), 'ui-extensions-version is mandatory'],
    ['for Extensions API v2 only', (p: typeof pkg) => ({ ...p, rancher: { annotations: { ...p.rancher?.annotations, 'catalog.cattle.io/ui-extensions-version': '>= 2.0.0 < 3.0.0' } } }), 'excludes Extensions API 3.0.0'],
    ['for Rancher 2.14 and later', (p: typeof pkg) => ({ ...p, rancher: { annotations: { ...p.rancher?.annotations, 'catalog.cattle.io/rancher-version': '>= 2.14.0-0' } } }), 'excludes Rancher 2.10.0'],
    ['under another version than the build', (p: typeof pkg) => ({ ...p, version: '9.9.9' }), 'which the build did not make'],
  ])('would refuse a package %s (the check can fail)', (name, change, message) => {
    if (!helm) return;
    const chartDir = publishChart(`bad-${name.replace(/\W+/g, '-')}`, change(pkg));
    const changedDist = join(work, `dist-${name.replace(/\W+/g, '-')}`);
    cpSync(distDir, changedDist, { recursive: true });
    writeFileSync(join(changedDist, 'package.json'), JSON.stringify({ ...JSON.parse(readFileSync(join(distDir, 'package.json'), 'utf8')), version: change(pkg).version }));
    expect((checkExtensionChart as Check)(chartDir, changedDist, { helm }).join('\n')).toContain(message);
  });
});
