import { h, reactive } from 'vue';
import { mount, flushPromises } from '@vue/test-utils';
import fleet from './fixtures/fleet.json';

/** A deep copy of the realistic fleet fixture. */
export function fixture(): typeof fleet {
  return JSON.parse(JSON.stringify(fleet));
}

/** `t()` as the jest setup fakes it: the key wrapped in %...%, arguments appended as JSON. */
export const fakeT = (key: string, args?: Record<string, unknown>) => (args && Object.keys(args).length ? `%${ key }% ${ JSON.stringify(args) }` : `%${ key }%`);

/** Responses of the fake store by action name. */
export interface StoreFake {
  byId?: Record<string, unknown>;
  all?: Record<string, unknown[]>;
  request?: (opt: any) => unknown;
}

/**
 * Builds a model instance the way the shell's store does (data + store context) with a recording
 * dispatch that answers find/findAll/findMatching/request from `fake`.
 */
export function makeModel<T>(ModelClass: new (data: any, ctx: any) => T, data: unknown, fake: StoreFake = {}) {
  const dispatch = jest.fn(async(action: string, payload: any) => {
    switch (action) {
    case 'find':
      return (fake.byId || {})[`${ payload.type }:${ payload.id }`];
    case 'findAll':
      return (fake.all || {})[payload.type] || [];
    case 'findMatching':
      return (fake.all || {})[payload.type] || [];
    case 'request':
      return fake.request ? fake.request(payload) : undefined;
    default:
      return undefined;
    }
  });
  const rootGetters = {
    'i18n/t':              fakeT,
    'i18n/exists':         () => true,
    clusterId:             'c-m-abc123',
    'prefs/get':           () => false,
    'type-map/optionsFor': () => ({
      isEditable: true, isRemovable: true, isCreatable: true, canYaml: true
    }),
    'type-map/hasCustomEdit': () => true,
    'type-map/labelFor':      () => 'x',
  };
  const ctx = {
    dispatch, getters: { schemaFor: () => undefined }, rootGetters, rootState: {}, state: { config: { namespace: 'cluster' } },
  };

  (window as any).$globalApp = (window as any).$globalApp || { $router: { currentRoute: { value: { name: 'c-cluster-product-resource', params: {} } } } };

  return { model: new ModelClass(JSON.parse(JSON.stringify(data)), ctx) as T & Record<string, any>, dispatch };
}

/**
 * Records the PATCH requests a model sends (the shell's resource.patch dispatches 'request' with `opt`): method,
 * URL, content type and body; `fail` makes every request reject with it.
 */
export function patchRecorder(fail?: Error) {
  const patches: { method: string; url: string; contentType: string; data: any }[] = [];

  return {
    patches,
    request: async(payload: any) => {
      if (fail) {
        throw fail;
      }
      patches.push({
        method: payload.opt.method, url: payload.opt.url, contentType: payload.opt.headers['content-type'], data: JSON.parse(JSON.stringify(payload.opt.data))
      });

      return payload.opt.data;
    },
  };
}

/** The actions a model offers, by action name. */
export function actionsByName(model: any): Record<string, any> {
  return Object.fromEntries((model._availableActions as any[]).filter((a) => a.action).map((a) => [a.action, a]));
}

/** Renders the default slot only: for CruResource, Tabbed and Tab in page tests. */
export function slotStub(name: string) {
  return {
    name,
    render(this: any) {
      return h('div', { class: `stub-${ name }` }, this.$slots.default?.());
    },
  };
}

/**
 * Mounts a create/edit page the way the shell does: a reactive model as `value`, a store whose
 * cluster/findAll answers from `all`, and the heavy shell frame components stubbed to their slots.
 */
export async function mountEditPage(page: any, ModelClass: any, data: any, all: Record<string, unknown[]>, mode = 'create', query: Record<string, string> = {}) {
  const { model: raw } = makeModel(ModelClass, data);
  const model = reactive(raw) as any;
  const dispatch = jest.fn(async(action: string, payload: any) => (action === 'cluster/findAll' ? all[payload.type] : undefined));

  const saved: any[] = [];

  model.save = jest.fn(async() => {
    saved.push(JSON.parse(JSON.stringify({ metadata: model.metadata, spec: model.spec })));

    return model;
  });
  const wrapper = mount(page, {
    props:  { value: model, mode },
    global: {
      mocks: {
        $route: {
          query, params: {}, hash: ''
        },
        $store: {
          getters: {
            'i18n/t': (k: string) => `%${ k }%`, 'type-map/isSpoofed': () => false, 'prefs/get': () => undefined, currentStore: () => 'cluster', 'cluster/schemaFor': () => ({ linkFor: () => '/v1/collection' }),
          },
          dispatch,
          commit: jest.fn(),
        },
      },
      stubs: {
        CruResource: slotStub('CruResource'), NameNsDescription: true, Tabbed: slotStub('Tabbed'), Tab: slotStub('Tab'), Labels: true,
      },
    },
  });

  await runFetch(wrapper.vm);

  return {
    wrapper, model, dispatch, saved, vm: wrapper.vm as any,
  };
}

/** Runs a mounted component's Nuxt-style fetch (its own or its mixins'), as the shell's fetch mixin does. */
export async function runFetch(vm: any): Promise<void> {
  await vm.$options.fetch?.call(vm);
  await flushPromises();
}
