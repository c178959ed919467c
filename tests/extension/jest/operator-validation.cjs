// `@kubeflash/operator/validation` for the extension's jest project: the real module as a CommonJS bundle.
module.exports = require(require('./flasher-bundle.cjs').bundlePath('operator-validation'));
