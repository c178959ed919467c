// `@kubeflash/flasher` for the extension's jest project: the real engine as a CommonJS bundle.
module.exports = require(require('./flasher-bundle.cjs').bundlePath('flasher'));
