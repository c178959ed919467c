// The extension's jest project runs CommonJS (vue3-jest), but @kubeflash/flasher and its dependencies
// (@kubeflash/esp, @noble/hashes, esptool-js) are ESM-only. So the tests get the real engine and the
// real ROM-loader simulator bundled to CommonJS by esbuild once per run (jest globalSetup, cached by
// source mtime); nothing is mocked. esbuild runs outside the jsdom test environment (it checks that
// TextEncoder output is a Uint8Array of its own realm).
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '../../..');
const cacheDir = path.join(root, 'node_modules/.cache/kubeflash-jest');

function newestMtime(dir) {
  let newest = 0;

  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);

    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }

  return newest;
}

/** Path of the CommonJS bundle of `@kubeflash/flasher` (entry '') or `@kubeflash/flasher/<entry>`. */
function bundlePath(entry) {
  return path.join(cacheDir, entry ? `flasher-${ entry }.cjs` : 'flasher.cjs');
}

/** Builds (or keeps, when newer than the sources) the bundle of one entry. */
function build(entry) {
  const esbuild = require('esbuild');
  const out = bundlePath(entry);
  const sources = Math.max(newestMtime(path.join(root, 'pkg/flasher/src')), newestMtime(path.join(root, 'pkg/esp/src')));

  if (!fs.existsSync(out) || fs.statSync(out).mtimeMs < sources) {
    fs.mkdirSync(cacheDir, { recursive: true });
    esbuild.buildSync({
      stdin:    { contents: `module.exports = require('@kubeflash/flasher${ entry ? `/${ entry }` : '' }');`, resolveDir: root },
      bundle:   true,
      format:   'cjs',
      platform: 'node',
      target:   'node20',
      outfile:  out,
      logLevel: 'error',
    });
  }

  return out;
}

/** jest globalSetup: build both bundles. */
module.exports = async function globalSetup() {
  build('');
  build('simulator');
};
module.exports.bundlePath = bundlePath;
