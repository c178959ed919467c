// Headless Chromium test of the built extension (dist-pkg/, from `npm run build-pkg kubeflash`):
// loads the UMD bundle through the Rancher shell's own extension manager from node_modules
// (@rancher/shell/core/extension-manager-impl.js, see shell-loader.mjs), checks what it registers
// (product DSL, types, pages, formatters, l10n) and that nothing logs an error, then renders the device
// list, edit and detail pages and the flash dialog with the shell's styles and saves PNGs under
// test-output/extension/ for people to look at.
/* global window, fetch, setTimeout -- the page.evaluate callbacks run in the browser */
import { Buffer } from 'node:buffer';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import assert from 'node:assert/strict';
import { URL, fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { SHELL_EXTENSION_MANAGER, buildShellLoader } from './shell-loader.mjs';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'pkg/kubeflash/package.json'), 'utf8'));
const id = `${ pkg.name }-${ pkg.version }`;
const dist = path.join(root, 'dist-pkg', id);
const outDir = path.join(root, 'test-output', 'extension');
const shellDir = path.join(root, 'node_modules/@rancher/shell');
const TYPES = ['kubeflash.dev.devicescluster', 'kubeflash.dev.deviceclass', 'kubeflash.dev.devicegroup', 'kubeflash.dev.device', 'kubeflash.dev.firmware', 'kubeflash.dev.rollout'];

/** The shell's global stylesheet compiled with sass (as the dashboard build does), asset URLs made servable. */
function shellCss() {
  const sass = require('sass');
  const importer = {
    findFileUrl(url) {
      if (/^~?@?shell\//.test(url)) {
        return pathToFileURL(path.join(shellDir, url.replace(/^~?@?shell\//, '')));
      }

      return url.startsWith('~') ? pathToFileURL(path.join(root, 'node_modules', url.slice(1))) : null;
    },
  };
  const { css } = sass.compile(path.join(shellDir, 'assets/styles/app.scss'), {
    importers: [importer], loadPaths: [path.join(root, 'node_modules')], quietDeps: true, logger: sass.Logger.silent,
  });

  return css.replace(/url\("~@shell\//g, 'url("/node_modules/@rancher/shell/').replace(/url\("~@rancher\//g, 'url("/node_modules/@rancher/');
}

const HTML = `<!doctype html><html class="theme-light"><head><meta charset="utf-8">
<link rel="stylesheet" href="/shell.css">
<style>body{padding:20px;background:var(--body-bg);} #app{max-width:1400px}</style>
<script src="/node_modules/vue/dist/vue.global.prod.js"></script>
<script src="/node_modules/js-yaml/dist/js-yaml.min.js"></script>
<script>window.__jsyaml = window.jsyaml; window.__jszip = {};</script>
<script src="/node_modules/vue-select/dist/vue-select.umd.js"></script>
<link rel="stylesheet" href="/node_modules/vue-select/dist/vue-select.css">
<script src="/shell-extension-manager.js"></script>
<script src="/host.js"></script>
</head><body class="theme-light"><div id="app" class="dashboard-root"></div></body></html>`;

const SERVED_NODE_MODULES = ['vue/dist/', 'js-yaml/dist/', 'vue-select/dist/', '@rancher/icons/fonts/', '@rancher/shell/assets/fonts/', '@rancher/shell/assets/translations/en-us.yaml'];
const TYPES_BY_EXT = {
  '.yaml': 'text/yaml', '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html', '.woff': 'font/woff', '.woff2': 'font/woff2', '.ttf': 'font/ttf', '.svg': 'image/svg+xml', '.json': 'application/json', '.map': 'application/json',
};

function startServer(css, shellLoader) {
  const server = http.createServer((req, res) => {
    const url = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file;

    if (url === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(HTML);

      return;
    }
    if (url === '/favicon.ico') {
      res.writeHead(204).end();

      return;
    }
    if (url === '/shell.css') {
      res.writeHead(200, { 'content-type': 'text/css' }).end(css);

      return;
    }
    if (url === '/shell-extension-manager.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(shellLoader);

      return;
    }
    if (url === '/host.js') {
      file = path.join(root, 'tests/extension/browser/host.js');
    } else if (url.startsWith('/dist/')) {
      file = path.join(dist, url.slice('/dist/'.length));
    } else if (url.startsWith('/node_modules/') && SERVED_NODE_MODULES.some((p) => url.slice('/node_modules/'.length).startsWith(p))) {
      file = path.join(root, url);
    }
    if (!file || file.includes('..') || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end();

      return;
    }
    res.writeHead(200, { 'content-type': TYPES_BY_EXT[path.extname(file)] || 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });

  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Values in the wifi Secret the pages can see: they must never appear on a page. */
const SECRET_VALUES = ['attic-ssid-7', 's3cr3t-pw'];

function fixturesByType() {
  const f = JSON.parse(fs.readFileSync(path.join(root, 'pkg/kubeflash/__tests__/fixtures/fleet.json'), 'utf8'));

  return {
    'kubeflash.dev.devicescluster': f.devicesClusters,
    'kubeflash.dev.deviceclass':    f.deviceClasses,
    'kubeflash.dev.devicegroup':    f.deviceGroups,
    'kubeflash.dev.device':         f.devices,
    'kubeflash.dev.firmware':       f.firmwares,
    'kubeflash.dev.rollout':        f.rollouts,
    secret:                         [{ metadata: { name: 'wifi-home', namespace: 'garage' }, data: { wifi_ssid: Buffer.from(SECRET_VALUES[0]).toString('base64'), wifi_pass: Buffer.from(SECRET_VALUES[1]).toString('base64') } }],
  };
}

async function main() {
  assert.ok(fs.existsSync(path.join(dist, `${ id }.umd.min.js`)), `build the extension first: npm run build-pkg kubeflash (missing ${ dist })`);
  fs.mkdirSync(outDir, { recursive: true });
  const server = await startServer(shellCss(), await buildShellLoader(root));
  const base = `http://127.0.0.1:${ server.address().port }`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args:           ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const problems = [];
  const failedRequests = [];
  const requested = [];

  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });

    page.on('console', (msg) => {
      if (msg.type() === 'error') {
        problems.push(`console: ${ msg.text() }`);
      }
    });
    page.on('pageerror', (err) => problems.push(`pageerror: ${ err.message }`));
    page.on('requestfailed', (r) => failedRequests.push(r.url()));
    page.on('request', (r) => requested.push(path.basename(new URL(r.url()).pathname)));
    page.on('response', (r) => {
      if (r.status() >= 400) {
        failedRequests.push(`${ r.status() } ${ r.url() }`);
      }
    });
    await page.goto(base);

    // 1. Load through the shell's own extension manager and inspect what it registered.
    const report = await page.evaluate(async([extId, url]) => {
      const plugin = await window.kubeflashHost.loadExtension(extId, url);

      window.__plugin = plugin;

      return window.kubeflashHost.inspect(plugin);
    }, [id, `/dist/${ id }.umd.min.js`]);

    assert.equal(report.pluginClass, 'Plugin', `the shell's Plugin class (${ SHELL_EXTENSION_MANAGER }) holds the extension`);
    assert.deepEqual(report.registered, TYPES.map(() => true), 'the shell resolves model, list, edit and detail of every type');
    assert.equal(report.metadata.name, 'kubeflash');
    assert.equal(report.metadata.version, pkg.version);
    for (const kind of ['models', 'list', 'edit', 'detail']) {
      assert.deepEqual(Object.keys(report.loaded[kind] || {}).sort(), [...TYPES].sort(), `${ kind } registered for every type`);
    }
    assert.ok(Object.values(report.loaded.models).every((v) => v === 'function'), 'models are classes');
    assert.ok(['list', 'edit', 'detail'].every((k) => Object.values(report.loaded[k]).every((v) => v === 'object')), 'pages are components');
    assert.deepEqual(Object.keys(report.loaded.formatters || {}).sort(), ['KubeflashConfigState', 'KubeflashIdentity', 'KubeflashOnline', 'KubeflashPhase']);
    assert.ok(report.loaded.dialog && report.loaded.dialog.KubeflashFlashDialog === 'object', 'flash dialog registered');
    assert.equal(report.productLabel, 'Devices');
    assert.deepEqual(report.typeLabels, TYPES.map(() => true));
    const committed = (mutation) => report.dsl.filter((c) => c.mutation === `type-map/${ mutation }`).map((c) => c.payload);
    const [product] = committed('product');

    assert.deepEqual(report.productNames, ['kubeflash']);
    assert.equal(product.name, 'kubeflash');
    assert.equal(product.inStore, 'cluster');
    assert.ok(new RegExp(product.ifHaveGroup.replace(/^\/|\/$/g, '')).test('kubeflash.dev'), `product shown for the kubeflash.dev group (${ product.ifHaveGroup })`);
    assert.deepEqual(committed('headers').map((c) => c.type).sort(), [...TYPES].sort());
    assert.deepEqual(committed('basicType')[0].types.length, 6);
    assert.deepEqual(committed('headers').find((c) => c.type === 'kubeflash.dev.device').headers.map((h) => h.name), ['state', 'name', 'namespace', 'deviceClass', 'site', 'online', 'firmware', 'lastSeen', 'identity', 'config', 'ota', 'age']);
    assert.deepEqual(failedRequests, [], 'every chunk and asset loaded');
    assert.deepEqual(problems, [], 'no errors while loading the extension');
    console.log(`loaded through ${ SHELL_EXTENSION_MANAGER } (shell ${ JSON.parse(fs.readFileSync(path.join(shellDir, 'package.json'), 'utf8')).version })`);
    console.log(`bundle: ${ id } registers ${ Object.entries(report.loaded).map(([k, v]) => `${ Object.keys(v).length } ${ k }`).join(', ') }; l10n ok`);

    // 2. Render pages with the shell's styles and save screenshots.
    await page.evaluate(async(fixtures) => {
      const host = window.kubeflashHost;
      const en = (await window.__plugin.l10n['en-us'][0]());
      const shellEn = window.jsyaml.load(await (await fetch('/node_modules/@rancher/shell/assets/translations/en-us.yaml')).text());

      host.setL10n(shellEn, en.default || en);
      host.setFixtures(await host.makeModels(window.__plugin, fixtures));
    }, fixturesByType());
    const scenes = [
      { name: 'device-list', kind: 'list', type: 'kubeflash.dev.device', props: { resource: 'kubeflash.dev.device' } },
      { name: 'device-edit', kind: 'edit', type: 'kubeflash.dev.device', value: 0, props: { mode: 'edit' } },
      { name: 'device-detail', kind: 'detail', type: 'kubeflash.dev.device', value: 0, props: { mode: 'view' } },
      { name: 'device-detail-pending', kind: 'detail', type: 'kubeflash.dev.device', value: 1, props: { mode: 'view' } },
      { name: 'device-detail-mismatch', kind: 'detail', type: 'kubeflash.dev.device', value: 1, props: { mode: 'view' } },
      { name: 'firmware-detail', kind: 'detail', type: 'kubeflash.dev.firmware', value: 0, props: { mode: 'view' } },
      { name: 'deviceclass-detail', kind: 'detail', type: 'kubeflash.dev.deviceclass', value: 0, props: { mode: 'view' } },
      { name: 'devicescluster-detail', kind: 'detail', type: 'kubeflash.dev.devicescluster', value: 0, props: { mode: 'view' } },
      { name: 'rollout-detail', kind: 'detail', type: 'kubeflash.dev.rollout', value: 0, props: { mode: 'view' } },
      { name: 'rollout-edit', kind: 'edit', type: 'kubeflash.dev.rollout', value: 0, props: { mode: 'edit' } },
      { name: 'flash-dialog', kind: 'dialog', type: 'KubeflashFlashDialog', value: 0, valueType: 'kubeflash.dev.device', props: { mode: 'full' } },
    ];

    for (const scene of scenes) {
      const errors = await page.evaluate(async(s) => {
        const host = window.kubeflashHost;

        host.unmountPage();
        window.__kubeflashErrors = [];
        const mod = await window.__plugin.types[s.kind][s.type]();
        const Comp = mod.default || mod;
        const props = { ...s.props };

        if (s.kind === 'list') {
          props.schema = { id: s.type, attributes: { namespaced: true } };
        }
        if (s.value !== undefined) {
          props.value = window.Vue.reactive((await host.modelsOf(s.valueType || s.type))[s.value]);
          if (s.kind === 'dialog') {
            props.resources = [props.value];
            delete props.value;
          }
        }
        host.mountPage(Comp, props);
        await new Promise((r) => setTimeout(r, 600));

        return window.__kubeflashErrors;
      }, scene);

      await page.screenshot({ path: path.join(outDir, `${ scene.name }.png`), fullPage: true });
      assert.deepEqual(errors, [], `${ scene.name } renders without errors`);
      console.log(`screenshot: test-output/extension/${ scene.name }.png`);
      const html = await page.content();

      assert.deepEqual(SECRET_VALUES.filter((v) => html.includes(v)), [], `${ scene.name } shows no secret value`);
      if (scene.name === 'device-edit') {
        await page.getByTestId('btn-preview').click();
        await page.waitForSelector('[data-testid="kubeflash-config-preview"] [data-testid="kubeflash-key-sample_period"]');
        assert.match(await page.locator('[data-testid="kubeflash-config-preview"] [data-testid="kubeflash-key-sample_period"]').textContent(), /Device Group\s*attic\s*\(priority 10\)/);
        assert.deepEqual(SECRET_VALUES.filter((v) => html.includes(v)), [], 'the preview shows no secret value');
        await page.screenshot({ path: path.join(outDir, 'device-edit-preview.png'), fullPage: true });
        console.log('screenshot: test-output/extension/device-edit-preview.png');
      }
      if (scene.name === 'device-detail' || scene.name === 'device-detail-pending') {
        await page.getByText('Effective config', { exact: true }).click();
        await page.waitForSelector('[data-testid="kubeflash-effective-config"]');
        const row = (key) => page.locator(`[data-testid="kubeflash-effective-config"] [data-testid="kubeflash-key-${ key }"] td`).allTextContents();

        assert.deepEqual((await row('device_id')).slice(2, 4).map((c) => c.trim()), ['Generated by the operator', 'operator'], 'device_id is generated');
        assert.match((await row('wifi_pass'))[4], /secret/, 'secret keys are marked, and no value is shown');
        assert.equal(await page.locator('[data-testid="kubeflash-effective-pending"]').count(), scene.name === 'device-detail-pending' ? 1 : 0, 'pending while the record lags the spec');
        await page.screenshot({ path: path.join(outDir, `${ scene.name.replace('device-detail', 'device-effective-config') }.png`), fullPage: true });
        console.log(`screenshot: test-output/extension/${ scene.name.replace('device-detail', 'device-effective-config') }.png`);
      }
      if (scene.name === 'device-detail' || scene.name === 'device-detail-mismatch') {
        const identity = await page.locator('[data-testid="kubeflash-condition-IdentityMatches"] td').allTextContents();

        assert.match(identity.join(' '), scene.name === 'device-detail' ? /Identity matches.*Yes.*IdentityVerified/s : /Identity matches.*No.*MacMismatch/s, 'the registration check is shown');
        assert.equal(await page.locator('[data-testid="kubeflash-device-identity-warning"]').count(), scene.name === 'device-detail' ? 0 : 1, 'a failed registration check is a banner');
        assert.equal(await page.locator('[data-testid="kubeflash-device-reboot"]').isDisabled(), scene.name !== 'device-detail', 'only an online device can be rebooted');
      }
      if (scene.name === 'firmware-detail') {
        assert.match(await page.locator('[data-testid="kubeflash-firmware-signature"]').textContent(), /ECDSA-P256-SHA256/);
        assert.match((await page.locator('[data-testid="kubeflash-condition-ArtifactsReady"] td').allTextContents()).join(' '), /Signed and stored.*Yes.*Signed/s);
        assert.equal(await page.locator('[data-testid="kubeflash-firmware-rebuild"]').count(), 1, 'a git build offers Rebuild');
        assert.equal(await page.locator('[data-testid="kubeflash-firmware-zip"]').count(), 1, 'a succeeded build offers the zip');
        assert.match(await page.locator('pre[data-testid="kubeflash-firmware-message"]').textContent(), /Project build complete\./, 'the end of the build log is shown');
      }
      if (scene.name === 'device-detail') {
        await page.getByTestId('btn-ota').click();
        await page.waitForSelector('[data-testid="kubeflash-ota-history"]');
        assert.equal(await page.locator('[data-testid="kubeflash-ota-history"] tbody tr').count(), 3, 'OTA history rows');
        await page.screenshot({ path: path.join(outDir, 'device-ota.png'), fullPage: true });
        console.log('screenshot: test-output/extension/device-ota.png');
      }
      if (scene.name === 'rollout-detail') {
        assert.equal(await page.locator('[data-testid="kubeflash-rollout-wave-bars"] .kubeflash-bar-row').count(), 3, 'one bar per wave');
        assert.ok(await page.locator('[data-testid="kubeflash-rollout-pause"]').isVisible(), 'a running rollout can be paused');
        assert.ok(!(await page.locator('[data-testid="kubeflash-rollout-resume"]').isVisible()), 'and not resumed');
        await page.locator('[data-testid="kubeflash-rollout-pause"]').click();
        const sent = await page.waitForFunction(() => window.__kubeflashRequests?.length && window.__kubeflashRequests).then((h) => h.jsonValue());
        // The shell's own resource.patch: only spec.paused, as a JSON Patch (no resourceVersion to conflict on), to
        // the object through Rancher's Kubernetes proxy.
        const { metadata } = fixturesByType()['kubeflash.dev.rollout'][0];

        assert.deepEqual(sent.map((r) => [r.method, r.url, r.headers['content-type'], r.data]), [[
          'patch', `/k8s/clusters/local/apis/kubeflash.dev/v1alpha1/namespaces/${ metadata.namespace }/rollouts/${ metadata.name }`,
          'application/json-patch+json', [{ op: 'replace', path: '/spec/paused', value: true }],
        ]]);
        await page.getByTestId('btn-devices').click();
        await page.waitForSelector('[data-testid="kubeflash-rollout-device-sensor-porch"]');
        assert.match(await page.locator('[data-testid="kubeflash-rollout-device-sensor-porch"]').textContent(), /Downloading.*42%.*download-failed/s);
        await page.screenshot({ path: path.join(outDir, 'rollout-devices.png'), fullPage: true });
        console.log('screenshot: test-output/extension/rollout-devices.png');
      }
      if (scene.name === 'rollout-edit') {
        await page.waitForSelector('[data-testid="kubeflash-preview-wave-1"]');
        const rows = await page.locator('[data-testid="kubeflash-rollout-preview"] tbody tr').allTextContents();

        assert.equal(rows.length, 3, 'preview: one row per wave');
        assert.match(await page.locator('[data-testid="kubeflash-rollout-preview-total"]').textContent(), /2 device\(s\) would be updated; 1 already run 1\.5\.0/);
      }
      if (scene.name === 'deviceclass-detail') {
        await page.waitForSelector('[data-testid="kubeflash-class-current-sensor-s3-1.5.0"]');
        assert.match(await page.locator('[data-testid="kubeflash-class-current-firmware"]').textContent(), /sensor-s3-1\.5\.0/);
        assert.match((await page.locator('[data-testid="kubeflash-condition-FirmwareReady"] td').allTextContents()).join(' '), /Yes.*FirmwareSucceeded/s);
      }
      if (scene.name === 'devicescluster-detail') {
        assert.match((await page.locator('[data-testid="kubeflash-condition-Ready"] td').allTextContents()).join(' '), /Yes.*Reconciled.*4 managed accounts/s);
        assert.deepEqual((await page.locator('[data-testid="kubeflash-fleet-versions"] .kubeflash-bar-label').allTextContents()).map((t) => t.trim()), ['1.5.0', '1.4.2'], 'firmware versions chart');
        const widths = await page.locator('[data-testid="kubeflash-fleet-states"] .kubeflash-bar-segment').evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().width)));

        assert.ok(widths.every((w) => w > 0) && Math.max(...widths) - Math.min(...widths) <= 1, `fleet state bars are drawn, equal for 1/1/1 (${ widths })`);
      }
      if (scene.name === 'firmware-detail') {
        await page.getByText('Artifacts', { exact: true }).click();
        await page.waitForSelector('[data-testid="kubeflash-firmware-artifacts"]');
        assert.equal(await page.locator('[data-testid="kubeflash-firmware-artifacts"] tbody tr').count(), 4, 'one row per artifact');
        await page.screenshot({ path: path.join(outDir, 'firmware-artifacts.png'), fullPage: true });
        console.log('screenshot: test-output/extension/firmware-artifacts.png');
      }
      if (scene.name === 'flash-dialog') {
        await page.waitForSelector('[data-testid="kubeflash-flash-plan"]');
        const plan = await page.locator('[data-testid="kubeflash-flash-plan"] tbody tr').allTextContents();

        assert.equal(plan.length, 5, 'plan: 4 firmware parts + config');
        assert.match(plan[4], /config\s*0x3a0000/);
        await page.screenshot({ path: path.join(outDir, 'flash-dialog.png'), fullPage: true });
      }
    }
    assert.deepEqual(problems, [], 'no console errors while rendering');
    // The flashing engine (esptool-js) is a separate chunk that only "Connect and flash" loads.
    const engineChunks = fs.readdirSync(dist).filter((f) => f.endsWith('.js') && fs.readFileSync(path.join(dist, f), 'utf8').includes('ESPLoader'));

    assert.ok(engineChunks.length > 0 && !engineChunks.includes(`${ id }.umd.min.js`), 'esptool-js is split out of the main bundle');
    assert.deepEqual(engineChunks.filter((f) => requested.includes(f)), [], 'no page loaded the flashing engine');
    const missing = await page.evaluate(() => window.kubeflashHost.missingGetters());

    if (missing.length) {
      console.log(`store getters the fake host does not provide (pages did not need them): ${ missing.join(', ') }`);
    }
  } finally {
    await browser.close();
    server.close();
  }
}

main().then(() => console.log('extension browser test: OK'), (err) => {
  console.error(`extension browser test: FAILED\n${ err.stack || err }`);
  process.exitCode = 1;
});
