// @vue/vue3-jest with TypeScript registered in the SFC compiler: shell components declare props with
// imported types (`defineProps<Props>()`), which compileScript can only resolve with a TS instance.
const { registerTS } = require('@vue/compiler-sfc');

registerTS(() => require('typescript'));

module.exports = require('@vue/vue3-jest');
