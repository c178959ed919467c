// `@kubeflash/api` for the extension's jest project: the real module as a CommonJS bundle.
module.exports = require(require('./flasher-bundle.cjs').bundlePath('api'));
