// Global setup of the extension's jest project: what the Rancher shell normally installs on the app
// (i18n `t`, a Vuex store, directives) replaced by small fakes, so pages mount in isolation.
// `t(key)` returns `%key%`, so tests assert on l10n keys rather than English text.
/* global jest, afterEach -- injected into every test module by jest */
const { config, enableAutoUnmount } = require('@vue/test-utils');

// Pages left mounted would re-render against objects later tests change.
enableAutoUnmount(afterEach);
const { TextEncoder, TextDecoder } = require('util');

globalThis.TextEncoder = globalThis.TextEncoder || TextEncoder;
globalThis.TextDecoder = globalThis.TextDecoder || TextDecoder;

// jsdom has no WHATWG streams; Web Serial ports (and the flasher's simulator) are built on them.
const streams = require('stream/web');

for (const name of ['ReadableStream', 'WritableStream', 'TransformStream']) {
  globalThis[name] = globalThis[name] || streams[name];
}

const t = (key) => `%${ key }%`;

config.global.mocks = {
  t,
  $store: {
    getters: {
      'i18n/t':           t,
      'i18n/exists':      () => true,
      'prefs/get':        () => undefined,
      'currentProduct':   { inStore: 'cluster' },
      'cluster/all':      () => [],
      'cluster/byId':     () => undefined,
      'cluster/schemaFor': () => undefined,
      'cluster/canList':  () => true,
      'type-map/isSpoofed': () => false,
      'type-map/labelFor': () => 'Device',
      'type-map/optionsFor': () => ({}),
      currentStore:       () => 'cluster',
    },
    dispatch: jest.fn(() => Promise.resolve()),
    commit:   jest.fn(),
  },
  $route:  { query: {}, params: {}, hash: '' },
  $router: { push: jest.fn(), replace: jest.fn(), resolve: jest.fn(() => ({ href: '#' })) },
  $fetchState: { pending: false, error: null },
};

const noop = { mounted() {}, updated() {} };
// Tests render only their own fixtures, so the shell's sanitising is not needed here.
const setHtml = (el, binding) => {
  el.innerHTML = binding.value === undefined || binding.value === null ? '' : String(binding.value);
};

config.global.directives = {
  'clean-tooltip':        noop,
  'clean-html':           { mounted: setHtml, updated: setHtml },
  'stripped-aria-label':  noop,
  'trim-whitespace':      noop,
  t:                      noop,
};

// The shell's global <t k="..."> component renders a translated string.
const { h } = require('vue');

// The shell registers vue-select globally (LabeledSelect renders <v-select>).
const vSelect = require('vue-select');

config.global.components = { 'v-select': vSelect.default || vSelect };

config.global.stubs = {
  t: {
    props:  { k: { type: String, default: '' } },
    render() {
      return h('span', `%${ this.k }%`);
    },
  },
};
