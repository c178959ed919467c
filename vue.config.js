// Host-app config for `yarn dev` (the full dashboard with pkg/kubeflash loaded from source).
// Shell < 3.0.11 points ts-loader at the shell's own tsconfig, whose rootDir excludes pkg/**
// (TS6059, rancher/dashboard#17118); widen rootDir to this repository, as the shell's fix does.
const config = require('@rancher/shell/vue.config');

const base = config(__dirname, { excludes: [] });
const shellConfigureWebpack = base.configureWebpack;

base.configureWebpack = (webpackConfig) => {
  const result = shellConfigureWebpack ? shellConfigureWebpack(webpackConfig) : undefined;

  for (const rule of webpackConfig.module.rules || []) {
    for (const use of Array.isArray(rule.use) ? rule.use : []) {
      if (use && use.loader === 'ts-loader') {
        use.options = { ...use.options, compilerOptions: { ...(use.options?.compilerOptions || {}), rootDir: __dirname } };
      }
    }
  }

  return result;
};

module.exports = base;
