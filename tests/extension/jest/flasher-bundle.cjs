// The extension's jest project runs CommonJS (vue3-jest), but @kubeflash/flasher, @kubeflash/esp and the
// operator's shared validation module, and their dependencies (@noble/hashes, esptool-js), are ESM. So the
// tests get the real engine, simulator, ESP formats library and validation rules bundled to CommonJS by esbuild once per run (jest globalSetup, cached by
// source mtime); nothing is mocked. Loading those packages' .ts sources directly would also clash with
// the "unit" project, which runs the same files as ESM in the same jest workers (jest caches per path
// whether a file is ESM). esbuild runs outside the jsdom test environment (it checks that TextEncoder
// output is a Uint8Array of its own realm).
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
  'esp-node':          '@kubeflash/esp/node',
  api:                 '@kubeflash/api',
};

/** Path of the CommonJS bundle `name` (a key of ENTRIES). */
function bundlePath(name) {
  return path.join(cacheDir, `${ name }.cjs`);
}

/** Builds (or keeps, when newer than the sources) one bundle. */
function build(name) {
  const esbuild = require('esbuild');
  const out = bundlePath(name);
  const sources = Math.max(...['pkg/flasher/src', 'pkg/esp/src', 'pkg/api/src'].map((d) => newestMtime(path.join(root, d))));

  if (!fs.existsSync(out) || fs.statSync(out).mtimeMs < sources) {
    fs.mkdirSync(cacheDir, { recursive: true });
    esbuild.buildSync({
      stdin:    { contents: `module.exports = require('${ ENTRIES[name] }');`, resolveDir: root },
      bundle:   true,
      format:   'cjs',
      platform: 'node',
      target:   'node20',
      outfile:  out,
      conditions: ['kubeflash-source'],
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
