// The extension's jest project runs CommonJS (vue3-jest), but @kubeflash/flasher and @kubeflash/esp and
// their dependencies (@noble/hashes, esptool-js) are ESM-only. So the tests get the real engine, the real
// ROM-loader simulator and the real ESP formats library bundled to CommonJS by esbuild once per run (jest globalSetup, cached by
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

/** The bundled packages by bundle name. */
const ENTRIES = {
  flasher:             '@kubeflash/flasher',
  'flasher-simulator': '@kubeflash/flasher/simulator',
  esp:                 '@kubeflash/esp',
};

/** Path of the CommonJS bundle `name` (a key of ENTRIES). */
function bundlePath(name) {
  return path.join(cacheDir, `${ name }.cjs`);
}

/** Builds (or keeps, when newer than the sources) one bundle. */
function build(name) {
  const esbuild = require('esbuild');
  const out = bundlePath(name);
  const sources = Math.max(newestMtime(path.join(root, 'pkg/flasher/src')), newestMtime(path.join(root, 'pkg/esp/src')));

  if (!fs.existsSync(out) || fs.statSync(out).mtimeMs < sources) {
    fs.mkdirSync(cacheDir, { recursive: true });
    esbuild.buildSync({
      stdin:    { contents: `module.exports = require('${ ENTRIES[name] }');`, resolveDir: root },
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

/** jest globalSetup: build the bundles. */
module.exports = async function globalSetup() {
  Object.keys(ENTRIES).forEach(build);
};
module.exports.bundlePath = bundlePath;
