// `@kubeflash/flasher/simulator` for the extension's jest project: the real simulator as a CommonJS bundle.
module.exports = require(require('./flasher-bundle.cjs').bundlePath('flasher-simulator'));
