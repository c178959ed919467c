// The Rancher shell's own extension loading code, from node_modules, bundled for the browser test page:
// @rancher/shell/core/extension-manager-impl.js (createExtensionManager: loadAsync, applyPlugin,
// loadProducts, getDynamic) with the real Plugin class of @rancher/shell/core/plugin.ts and the real
// product DSL of @rancher/shell/store/type-map.js. Nothing of it is rewritten here, so the test loads the
// extension exactly as this shell version does. As in the shell's own library build
// (shell/pkg/vue.config.js), the modules that would pull in every shell model or page dynamically are
// swapped for the shell's `.lib.js` stand-ins, process.env is an empty object as webpack's Node polyfill
// makes it, and Vue is the page's global Vue.
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The module the test loads the extension through (named in the test's output). */
export const SHELL_EXTENSION_MANAGER = '@rancher/shell/core/extension-manager-impl.js';

/** Builds the shell's loader as one script defining `window.shellExtensionManager = { createExtensionManager }`. */
export async function buildShellLoader(root) {
  const esbuild = require('esbuild');
  const shell = path.join(root, 'node_modules/@rancher/shell');
  const libStandIns = { 'model-loader-require': 'model-loader-require.lib.js', 'dynamic-importer': 'dynamic-importer.lib.js' };
  const result = await esbuild.build({
    stdin: {
      contents:   `import { createExtensionManager } from '${ SHELL_EXTENSION_MANAGER }';\nwindow.shellExtensionManager = { createExtensionManager };\n`,
      resolveDir: root,
    },
    bundle:   true,
    format:   'iife',
    platform: 'browser',
    target:   'es2020',
    write:    false,
    alias:    { '@shell': shell, '~shell': shell },
    // The shell reads process.env (webpack's NodePolyfillPlugin and DefinePlugin provide it in its builds).
    define:   { 'process.env.NODE_ENV': '"production"' },
    banner:   { js: 'var process = { env: {} };' },
    // Components the loader never renders (a drawer imported by a helper module).
    loader:   { '.vue': 'empty' },
    logLevel: 'error',
    plugins:  [{
      name: 'shell-library-build',
      setup(build) {
        build.onResolve({ filter: /^vue$/ }, () => ({ path: 'vue', namespace: 'page-global' }));
        build.onLoad({ filter: /.*/, namespace: 'page-global' }, () => ({ contents: 'module.exports = window.Vue;', loader: 'js' }));
        build.onResolve({ filter: /(model-loader-require|dynamic-importer)$/ }, (args) => {
          const name = Object.keys(libStandIns).find((n) => args.path.endsWith(n));

          return { path: path.join(shell, 'pkg', libStandIns[name]) };
        });
      },
    }],
  });

  return result.outputFiles[0].text;
}
