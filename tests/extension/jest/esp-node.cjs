// `@kubeflash/esp/node` (XTS-AES through node:crypto) for the extension's jest project, bundled like esp.cjs.
module.exports = require(require('./flasher-bundle.cjs').bundlePath('esp-node'));
