#!/usr/bin/env node
// Checks the Helm chart `yarn publish-pkgs` makes for the Rancher extension against what Rancher's extension
// manager reads: the chart's catalog.cattle.io annotations (ui-component: plugins, ui-extensions-version,
// rancher-version, kube-version), and the UIPlugin resource `helm template` renders (plugin name, version,
// endpoint, compressedEndpoint, metadata), with the same semver checks the shell makes before loading it
// (@rancher/shell config/uiplugins.js) and the file the shell then loads (`<name>-<version>.umd.min.js`).
//
//   node scripts/check-extension-chart.mjs <chart folder> <dist-pkg/<name>-<version> folder> [--endpoint <url>]
//
// Prints one line per problem and exits 1 when there is any. HELM names the helm binary (default: helm).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { load, loadAll } from 'js-yaml';

const require = createRequire(import.meta.url);
// The semver the shell itself uses for these checks.
const semver = createRequire(require.resolve('@rancher/shell/package.json'))('semver');

/** The Rancher and Extensions API versions the extension is built for (shell 3.0.8 = Rancher 2.13, API v3). */
export const SUPPORTED = { rancher: ['2.10.0', '2.13.0'], uiExtensionsApi: '3.0.0', kube: '1.30.0' };

/** Problems of one chart, by what Rancher reads; empty when it would list, install and load the extension. */
export function checkExtensionChart(chartDir, distDir, options = {}) {
  const problems = [];
  const helm = options.helm ?? process.env.HELM ?? 'helm';
  const chart = load(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8'));
  const pkg = JSON.parse(readFileSync(join(distDir, 'package.json'), 'utf8'));
  const annotations = chart.annotations ?? {};
  const want = (ok, message) => {
    if (!ok) problems.push(message);
  };

  want(annotations['catalog.cattle.io/ui-component'] === 'plugins', 'Chart.yaml: catalog.cattle.io/ui-component must be "plugins" (the Extensions page lists only such charts)');
  want(annotations['catalog.cattle.io/scope'] === 'management', 'Chart.yaml: catalog.cattle.io/scope must be "management"');
  want(annotations['catalog.cattle.io/namespace'] === 'cattle-ui-plugin-system', 'Chart.yaml: catalog.cattle.io/namespace must be cattle-ui-plugin-system');
  const range = (key) => annotations[`catalog.cattle.io/${key}`];
  want(typeof range('ui-extensions-version') === 'string', 'Chart.yaml: catalog.cattle.io/ui-extensions-version is mandatory since Rancher 2.10');
  if (range('ui-extensions-version')) {
    want(semver.satisfies(SUPPORTED.uiExtensionsApi, range('ui-extensions-version')), `Chart.yaml: ui-extensions-version ${range('ui-extensions-version')} excludes Extensions API ${SUPPORTED.uiExtensionsApi} (shell 3.x)`);
  }
  for (const rancher of SUPPORTED.rancher) {
    want(!range('rancher-version') || semver.satisfies(rancher, range('rancher-version')), `Chart.yaml: rancher-version ${range('rancher-version')} excludes Rancher ${rancher}`);
  }
  want(typeof range('rancher-version') === 'string', 'Chart.yaml: catalog.cattle.io/rancher-version is missing');
  want(!range('kube-version') || semver.satisfies(SUPPORTED.kube, range('kube-version')), `Chart.yaml: kube-version ${range('kube-version')} excludes Kubernetes ${SUPPORTED.kube}`);
  want(chart.name === pkg.name && chart.version === pkg.version && chart.appVersion === pkg.version, `Chart.yaml: name/version/appVersion ${chart.name}/${chart.version}/${chart.appVersion} must be the package's ${pkg.name}/${pkg.version}`);

  const rendered = spawnSync(helm, ['template', pkg.name, chartDir, '--namespace', 'cattle-ui-plugin-system'], { encoding: 'utf8' });
  if (rendered.status !== 0) return [...problems, `helm template failed: ${rendered.stderr.trim()}`];
  const objects = loadAll(rendered.stdout).filter(Boolean);
  const uiPlugins = objects.filter((o) => o.apiVersion === 'catalog.cattle.io/v1' && o.kind === 'UIPlugin');
  want(uiPlugins.length === 1, `the chart must render exactly one catalog.cattle.io/v1 UIPlugin, got ${uiPlugins.length}`);
  const plugin = uiPlugins[0]?.spec?.plugin;
  if (plugin) {
    want(plugin.name === pkg.name, `UIPlugin spec.plugin.name is ${plugin.name}, the shell loads it as ${pkg.name}`);
    want(plugin.version === pkg.version, `UIPlugin spec.plugin.version is ${plugin.version}, the package is ${pkg.version}`);
    if (options.endpoint) want(plugin.endpoint === options.endpoint, `UIPlugin spec.plugin.endpoint is ${plugin.endpoint}, expected ${options.endpoint}`);
    want(/^https?:\/\//.test(plugin.endpoint ?? ''), `UIPlugin spec.plugin.endpoint must be a URL, got ${JSON.stringify(plugin.endpoint)}`);
    want(plugin.compressedEndpoint === `${plugin.endpoint}.tgz`, 'UIPlugin spec.plugin.compressedEndpoint must be the endpoint + ".tgz"');
    const meta = plugin.metadata ?? {};
    want(meta['catalog.cattle.io/ui-extensions-version'] === range('ui-extensions-version'), 'UIPlugin spec.plugin.metadata must carry catalog.cattle.io/ui-extensions-version (the shell checks it before loading)');
    want(meta['catalog.cattle.io/rancher-version'] === range('rancher-version'), 'UIPlugin spec.plugin.metadata must carry catalog.cattle.io/rancher-version');
    // What the shell loads: /v1/uiplugins/<name>/<version>/plugin/<metadata.main or name-version.umd.min.js>.
    const main = meta.main ?? `${plugin.name}-${plugin.version}.umd.min.js`;
    want(existsSync(join(distDir, main)), `the shell loads plugin/${main}, which the build did not make (${distDir})`);
  }
  return problems;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [chartDir, distDir] = process.argv.slice(2);
  const endpointAt = process.argv.indexOf('--endpoint');
  if (!chartDir || !distDir) {
    console.error('usage: check-extension-chart.mjs <chart folder> <dist-pkg folder> [--endpoint <url>]');
    process.exit(2);
  }
  const problems = checkExtensionChart(chartDir, distDir, { endpoint: endpointAt > 0 ? process.argv[endpointAt + 1] : undefined });
  for (const p of problems) console.error(p);
  console.log(problems.length === 0 ? `${chartDir}: the extension chart is what Rancher's extension manager expects` : `${problems.length} problems`);
  process.exit(problems.length === 0 ? 0 : 1);
}
