// The extension's build (yarn build-pkg kubeflash): the shell's library config, plus two things for the
// workspace libraries (@kubeflash/api, esp, flasher): they are taken from their TypeScript sources through
// the `kubeflash-source` export condition, like every other tool in this repository resolves them (a stale
// dist/ cannot end up in the bundle), and an import the library does not export fails the build.
const shellConfig = require('./.shell/pkg/vue.config')(__dirname);

const shellConfigureWebpack = shellConfig.configureWebpack;

shellConfig.configureWebpack = (config) => {
  const result = shellConfigureWebpack(config);

  config.resolve.conditionNames = ['kubeflash-source', 'webpack', 'production', 'browser', 'import', 'require', 'module'];
  config.module.parser = { ...config.module.parser, javascript: { ...config.module.parser?.javascript, exportsPresence: 'error' } };

  return result;
};

module.exports = shellConfig;
