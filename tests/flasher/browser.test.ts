import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { initialOtadata, makeEspImage, repoRoot, vector } from './support';

const CHROMIUM = process.env.KUBEFLASH_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

describe('flashing from a real browser (headless Chromium + Web Serial shim + simulator)', () => {
  let outDir: string;
  let server: Server;
  let baseUrl: string;
  let browser: Browser;
  const files = new Map<string, Uint8Array>();
  /** Served paths of the chunks that contain esptool-js code. */
  let esptoolChunks: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium package (apt-get install chromium) or set KUBEFLASH_CHROMIUM`);
    }
    outDir = mkdtempSync(join(tmpdir(), 'kubeflash-browser-'));
    const bundle = await build({
      entryPoints: { page: join(repoRoot, 'tests/flasher/browser/page.ts') },
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'browser',
      target: 'chrome120',
      outdir: outDir,
      logLevel: 'error',
      metafile: true,
    });
    esptoolChunks = Object.entries(bundle.metafile.outputs)
      .filter(([, output]) => Object.keys(output.inputs).some((input) => input.includes('node_modules/esptool-js/')))
      .map(([file]) => '/' + (file.split('/').pop() ?? file));
    expect(esptoolChunks.length).toBeGreaterThan(0);
    files.set('/bootloader.bin', vector('images', 'bootloader_esp32c3.bin'));
    files.set('/partition-table.bin', vector('partition_table', '03c_config_nvs_keys', 'output.bin'));
    files.set('/otadata.bin', initialOtadata());
    files.set('/app.bin', makeEspImage('ESP32-C3', 300_000, 21));
    files.set('/config.bin', vector('nvs', '01a_config', 'output.bin'));
    files.set('/', new TextEncoder().encode('<!doctype html><title>kubeflash flasher test</title><script type="module" src="/page.js"></script>'));
    server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      const body = files.get(path) ?? (existsSync(join(outDir, path)) && path !== '/' ? readFileSync(join(outDir, path)) : undefined);
      if (!body) {
        res.writeHead(404).end();
        return;
      }
      const types: Record<string, string> = { '.js': 'text/javascript', '.bin': 'application/octet-stream', '': 'text/html' };
      res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('no server address');
    baseUrl = `http://127.0.0.1:${address.port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('loads esptool-js only when flashing, and a full install runs to 100% with every part byte-exact in flash', async () => {
    const page = await browser.newPage();
    const requested: string[] = [];
    page.on('request', (r) => requested.push(new URL(r.url()).pathname));
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(baseUrl + '/');
    await page.waitForFunction(() => 'kubeflashTest' in globalThis);
    expect(requested).toContain('/page.js');
    expect(requested.filter((p) => esptoolChunks.includes(p))).toEqual([]);
    expect(await page.evaluate(() => 'serial' in (globalThis as unknown as { navigator: object }).navigator)).toBe(true);

    const result = await page.evaluate(
      (specs) => (globalThis as unknown as { kubeflashTest: { run: (chip: string, s: unknown) => Promise<unknown> } }).kubeflashTest.run('ESP32-C3', specs),
      [
        { name: 'bootloader', offset: 0x0, url: '/bootloader.bin' },
        { name: 'partition-table', offset: 0x8000, url: '/partition-table.bin' },
        { name: 'otadata', offset: 0xd000, url: '/otadata.bin' },
        { name: 'app', offset: 0x10000, url: '/app.bin' },
        { name: 'config', offset: 0x390000, url: '/config.bin' },
      ],
    );
    expect(pageErrors).toEqual([]);
    expect(result).toMatchObject({
      chip: 'ESP32-C3',
      lastStage: 'done',
      partsMatch: { bootloader: true, 'partition-table': true, otadata: true, app: true, config: true },
      bootModes: ['rom', 'app'],
    });
    const percents = (result as { percents: number[] }).percents;
    expect(percents[percents.length - 1]).toBe(100);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    // The engine's dynamic import pulled esptool-js in (its core, the ESP32-C3 target and stub) only now.
    expect(requested.filter((p) => esptoolChunks.includes(p)).length).toBeGreaterThan(0);
    await page.close();
  });
});
