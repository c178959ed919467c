// `@kubeflash/esp` for the extension's jest project: the real library as a CommonJS bundle.
module.exports = require(require('./flasher-bundle.cjs').bundlePath('esp'));
