/* global window, document, TextEncoder, setTimeout */
// The page around the built extension in the browser test: loads it through the Rancher shell's own
// extension manager (bundled from node_modules by shell-loader.mjs), records what the shell's product
// DSL commits to the store, and mounts the extension's pages with Vue and a fake store so they can be
// looked at (screenshots). Runs in Chromium via tests/extension/browser/bundle-load.mjs.
(function() {
  const EXPECTED_TYPES = ['kubeflash.dev.devicescluster', 'kubeflash.dev.deviceclass', 'kubeflash.dev.devicegroup', 'kubeflash.dev.device', 'kubeflash.dev.firmware', 'kubeflash.dev.rollout'];

  /** Mutations the shell's product DSL committed (type-map/product, type-map/basicType, type-map/headers, ...). */
  const commits = [];

  /**
   * Loads the extension with the shell's own extension manager (window.shellExtensionManager, built from
   * @rancher/shell/core/extension-manager-impl.js by shell-loader.mjs): loadAsync adds the
   * <script id="<name>-<version>">, creates the shell's Plugin, calls the bundle's default export with it
   * and applies what it registered; loadProducts runs the product init with the shell's DSL, as
   * applyProducts does once the dashboard's store is ready.
   */
  async function loadExtension(id, url) {
    const store = fakeStore();
    const manager = window.shellExtensionManager.createExtensionManager({
      app: { router: { addRoute: () => undefined } }, store, $axios: {}, redirect: () => undefined,
    });

    await manager.loadAsync(id, url);
    const plugin = manager.getPlugins()[id];

    if (!plugin) {
      throw new Error(`the shell loaded ${ url } but registered no plugin ${ id }`);
    }
    manager.loadProducts([plugin]);
    // loadProducts awaits each product module before calling its init.
    await Promise.all(plugin.products);
    await new Promise((resolve) => setTimeout(resolve, 0));
    window.__manager = manager;

    return plugin;
  }

  /** Loads every registered module (forcing each lazy chunk) and reports what the extension provides. */
  async function inspect(plugin) {
    const loaded = {};

    for (const [type, entries] of Object.entries(plugin.types)) {
      loaded[type] = {};
      for (const [name, fn] of Object.entries(entries)) {
        const mod = await fn();
        const value = mod && mod.default ? mod.default : mod;

        loaded[type][name] = typeof value;
      }
    }
    const l10n = {};

    for (const [locale, fns] of Object.entries(plugin.l10n)) {
      const mods = await Promise.all(fns.map((fn) => fn()));

      l10n[locale] = mods.map((m) => (m && m.default ? m.default : m));
    }
    const en = (l10n['en-us'] || [])[0] || {};

    return {
      registered:   EXPECTED_TYPES.map((t) => ['models', 'list', 'edit', 'detail'].every((kind) => !!window.__manager.getDynamic(kind, t))),
      metadata:     { name: plugin.metadata.name, version: plugin.metadata.version, rancher: plugin.metadata.rancher },
      loaded,
      pluginClass:  plugin.constructor && plugin.constructor.name,
      productNames: plugin.productNames,
      dsl:          commits.map((c) => ({ mutation: c.type, payload: JSON.parse(JSON.stringify(c.payload, (k, v) => (typeof v === 'function' ? `[function ${ k }]` : v))) })),
      productLabel: en.product && en.product.kubeflash,
      typeLabels:   EXPECTED_TYPES.map((t) => !!(en.typeLabel && en.typeLabel[t])),
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Fake store and app for rendering pages

  let fixtures = {};
  const t = (key, args) => {
    const en = window.__kubeflashL10n || {};
    const found = key.split('.').reduce((o, k) => (o ? o[k] : undefined), en);

    if (typeof found !== 'string') {
      return key;
    }

    return found.replace(/\{(\w+)\}/g, (m, name) => (args && args[name] !== undefined ? args[name] : m)).replace(/\{count, plural,[\s\S]*?one \{([^}]*)\}[\s\S]*?other \{([^}]*)\}\s*\}/, (m, one, other) => ((args && args.count === 1) ? one : other).trim());
  };

  function byType(type) {
    return fixtures[type] || [];
  }

  // Steve's table columns of events, which the shell's Events tab builds its headers from.
  const EVENT_COLUMNS = ['Last Seen', 'Type', 'Reason', 'Object', 'Subobject', 'Source', 'Message', 'First Seen', 'Count', 'Name', 'Age']
    .map((name) => ({ name, field: `$.metadata.fields[0]`, type: 'string', format: '' }));
  const KNOWN_GETTERS = {
    'i18n/t':                       () => t,
    'i18n/exists':                  () => () => true,
    'i18n/withFallback':            () => (key, args, fallback) => t(key, args) || fallback,
    'prefs/get':                    () => (key) => ({ 'date-format': 'ddd, MMM D YYYY', 'time-format': 'h:mm:ss a', 'per-page': 100 }[key]),
    currentStore:                   () => () => 'cluster',
    currentProduct:                 () => ({ name: 'kubeflash', inStore: 'cluster', showNamespaceFilter: true }),
    currentCluster:                 () => ({ id: 'local', nameDisplay: 'local' }),
    clusterId:                      () => 'local',
    isAllNamespaces:                () => true,
    isMultipleNamespaces:           () => true,
    haveAllNamespace:               () => true,
    namespaces:                     () => () => ({ garage: true }),
    activeNamespaceCacheKey:        () => 'all',
    'namespaceFilters':             () => [],
    'cluster/all':                  () => byType,
    'cluster/byId':                 () => (type, id) => byType(type).find((o) => o.id === id),
    'cluster/schemaFor':            () => (type) => ({ id: type, attributes: { namespaced: true, kind: String(type).split('.').pop(), columns: EVENT_COLUMNS }, linkFor: () => `/v1/${ type }`, collectionMethods: ['GET', 'POST'], resourceMethods: ['GET', 'PUT', 'DELETE'] }),
    'cluster/canList':              () => () => true,
    'cluster/haveNamespace':        () => () => [],
    'cluster/currentGeneration':    () => () => 1,
    'cluster/pathExistsInSchema':   () => () => true,
    'cluster/paginationEnabled':    () => () => false,
    'cluster/havePage':             () => () => false,
    'cluster/haveAll':              () => () => true,
    'cluster/haveSelector':         () => () => false,
    'cluster/isSteveCacheUrl':      () => () => false,
    'type-map/labelFor':            () => (schema, count) => t(`typeLabel.${ schema && schema.id ? schema.id : schema }`, { count: count || 1 }),
    'type-map/headersFor':          () => () => [],
    'type-map/optionsFor':          () => () => ({ isCreatable: true, isEditable: true, isRemovable: true, canYaml: true, showState: true, showAge: true }),
    'type-map/hideBulkActionsFor':  () => () => false,
    'type-map/isSpoofed':           () => () => false,
    'type-map/hasCustomEdit':       () => () => true,
    'type-map/hasCustomDetail':     () => () => true,
    'type-map/importComponent':     () => () => null,
    'type-map/importDetail':        () => () => null,
    'type-map/groupForBasicType':   () => () => null,
    'action-menu/showing':          () => false,
    'features/get':                 () => () => false,
    'management/byId':              () => () => undefined,
    'management/schemaFor':         () => () => undefined,
    'resource-fetch/refreshFlag':   () => false,
    'auth/principalId':             () => 'local://user',
    'uiplugins/plugins':            () => [],
  };
  const missing = new Set();
  const getters = new Proxy({}, {
    get(_, key) {
      if (typeof key !== 'string') {
        return undefined;
      }
      if (KNOWN_GETTERS[key]) {
        return KNOWN_GETTERS[key]();
      }
      missing.add(key);

      return undefined;
    },
  });

  /** The partition table the artifact server would serve: nvs, otadata, app, config. */
  function partitionTable() {
    const out = new Uint8Array(3072).fill(0xff);
    const view = new DataView(out.buffer);
    const entries = [['nvs', 1, 2, 0x9000, 0x5000], ['otadata', 1, 0, 0xe000, 0x2000], ['ota_0', 0, 0x10, 0x10000, 0x180000], ['config', 1, 2, 0x3a0000, 0x6000]];

    entries.forEach(([label, type, subtype, offset, size], i) => {
      const p = i * 32;

      view.setUint16(p, 0x50aa, true);
      out[p + 2] = type;
      out[p + 3] = subtype;
      view.setUint32(p + 4, offset, true);
      view.setUint32(p + 8, size, true);
      out.fill(0, p + 12, p + 32);
      out.set(new TextEncoder().encode(label), p + 12);
    });

    return out;
  }

  function fakeStore() {
    return {
      getters,
      rootGetters: getters,
      state:       { $plugin: { getDynamic: () => undefined }, 'action-menu': {}, prefs: {} },
      dispatch:    (action, payload) => {
        const name = action.replace(/^cluster\//, '');

        if (name === 'findAll' || name === 'findMatching') {
          return Promise.resolve(byType(payload.type));
        }
        if (name === 'find') {
          return Promise.resolve(byType(payload.type).find((o) => o.id === payload.id));
        }
        if (name === 'request' && payload.opt) {
          // Writes the pages make (resource.patch): kept for the test to check what would reach the API.
          window.__kubeflashRequests = [...(window.__kubeflashRequests || []), JSON.parse(JSON.stringify(payload.opt))];

          return Promise.resolve(payload.opt.data);
        }
        if (name === 'request' && /partition-table\.bin$/.test(payload.url)) {
          return Promise.resolve({ data: partitionTable().buffer });
        }

        return Promise.resolve(undefined);
      },
      commit: (type, payload) => {
        commits.push({ type, payload });
      },
    };
  }

  /** Builds model instances from the extension's own model classes (as the store would). */
  async function makeModels(plugin, raw) {
    const store = fakeStore();
    const out = {};

    for (const [type, objects] of Object.entries(raw)) {
      const loader = plugin.types.models && plugin.types.models[type];
      const Model = loader ? ((await loader()).default || (await loader())) : null;

      out[type] = objects.map((o) => {
        const data = { ...o, id: `${ o.metadata.namespace }/${ o.metadata.name }`, type, links: { self: '#', update: '#', remove: '#', view: '#' } };
        const ctx = {
          getters: { schemaFor: (tp) => getters['cluster/schemaFor'](tp), byId: getters['cluster/byId'], all: byType }, rootGetters: getters, dispatch: store.dispatch, state: { config: { namespace: 'cluster' } }, rootState: store.state,
        };

        return Model ? new Model(data, ctx) : data;
      });
    }

    return out;
  }

  /** Mounts component `Comp` with props into #app as a Vue app carrying the shell's globals. */
  let currentApp = null;

  /** Unmounts the page shown before (errors of the fake host while tearing down are not the page's). */
  function unmountPage() {
    if (currentApp) {
      try {
        currentApp.unmount();
      } catch {
        // ignore: see above
      }
      currentApp = null;
    }
  }

  function mountPage(Comp, props) {
    const Vue = window.Vue;
    const store = fakeStore();
    const holder = document.getElementById('app');

    holder.innerHTML = '';
    const app = Vue.createApp({ render: () => Vue.h(Comp, props) });

    app.config.globalProperties.t = t;
    app.config.globalProperties.$store = store;
    app.config.globalProperties.$fetchState = { pending: false, error: null };
    app.config.globalProperties.$route = { query: {}, params: { cluster: 'local', product: 'kubeflash' }, hash: '', name: 'c-cluster-product-resource' };
    const route = { query: {}, params: { cluster: 'local', product: 'kubeflash' }, hash: '' };

    app.config.globalProperties.$router = {
      push: () => undefined, replace: () => undefined, resolve: () => ({ href: '#' }), currentRoute: { value: route, _value: route }, afterEach: () => undefined, beforeEach: () => undefined,
    };
    // The shell's extension manager that loaded the extension answers for what it registered (e.g. formatters).
    app.config.globalProperties.$extension = window.__manager;
    app.provide('store', store);
    const noop = { mounted() {}, updated() {} };

    ['clean-tooltip', 'stripped-aria-label', 'trim-whitespace', 't', 'shortkey', 'focus'].forEach((d) => app.directive(d, noop));
    // Only this page's own fixtures pass through here.
    const setHtml = (el, binding) => {
      el.innerHTML = binding.value === undefined || binding.value === null ? '' : String(binding.value);
    };

    app.directive('clean-html', { mounted: setHtml, updated: setHtml });
    app.component('t', { props: ['k', 'raw', 'tag'], render() {
      return Vue.h(this.tag || 'span', t(this.k, this.$attrs));
    } });
    app.component('router-link', { props: ['to'], render() {
      return Vue.h('a', { href: '#' }, this.$slots.default && this.$slots.default());
    } });
    app.component('nuxt-link', { props: ['to'], render() {
      return Vue.h('a', { href: '#' }, this.$slots.default && this.$slots.default());
    } });
    // The shell registers vue-select globally as <v-select>.
    const vueSelect = window['vue-select'];

    if (vueSelect) {
      app.component('v-select', vueSelect.default || vueSelect);
    }
    // The shell runs each component's Nuxt-style fetch() (mixins/fetch.client.js).
    app.mixin({
      created() {
        if (this.$options.fetch) {
          Promise.resolve(this.$options.fetch.call(this)).catch((err) => window.__kubeflashErrors.push(String(err)));
        }
      },
    });
    app.config.errorHandler = (err) => {
      window.__kubeflashErrors.push(String(err && err.stack ? err.stack : err));
    };
    window.$globalApp = { $router: app.config.globalProperties.$router, $store: store };
    app.mount(holder);
    currentApp = app;

    return app;
  }

  window.__kubeflashErrors = [];
  window.kubeflashHost = {
    loadExtension, inspect, makeModels, mountPage, unmountPage, missingGetters: () => [...missing],
    setFixtures(f) {
      fixtures = f;
    },
    modelsOf(type) {
      return fixtures[type] || [];
    },
    /** Strings: the shell's own en-us (for its components) with the extension's on top. */
    setL10n(shellEn, en) {
      const merge = (a, b) => {
        const out = { ...a };

        for (const [k, v] of Object.entries(b || {})) {
          out[k] = v && typeof v === 'object' && !Array.isArray(v) ? merge(a[k] || {}, v) : v;
        }

        return out;
      };

      window.__kubeflashL10n = merge(shellEn || {}, en || {});
    },
  };
}());
