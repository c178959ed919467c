// The shell's babel config; under jest (NODE_ENV=test) TypeScript is added and the two plugins the shell
// uses for its own test suite (require.context emulation, coverage instrumentation) are dropped.
const shellConfig = require('@rancher/shell/babel.config.js');

const SHELL_TEST_ONLY_PLUGINS = ['transform-require-context', 'babel-plugin-istanbul'];

module.exports = function(api) {
  const config = shellConfig(api);

  if (process.env.NODE_ENV === 'test') {
    config.plugins = config.plugins.filter((p) => !SHELL_TEST_ONLY_PLUGINS.includes(Array.isArray(p) ? p[0] : p));
    config.presets = [...config.presets, '@babel/preset-typescript'];
  }

  return config;
};
