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
    'i18n/t':             fakeT,
    'i18n/exists':        () => true,
    clusterId:            'c-m-abc123',
    'prefs/get':          () => false,
    'type-map/optionsFor': () => ({ isEditable: true, isRemovable: true, isCreatable: true, canYaml: true }),
    'type-map/hasCustomEdit': () => true,
    'type-map/labelFor':  () => 'x',
  };
  const ctx = {
    dispatch, getters: { schemaFor: () => undefined }, rootGetters, rootState: {}, state: { config: { namespace: 'cluster' } },
  };

  (window as any).$globalApp = (window as any).$globalApp || { $router: { currentRoute: { value: { name: 'c-cluster-product-resource', params: {} } } } };

  return { model: new ModelClass(JSON.parse(JSON.stringify(data)), ctx) as T & Record<string, any>, dispatch };
}

/** The actions a model offers, by action name. */
export function actionsByName(model: any): Record<string, any> {
  return Object.fromEntries((model._availableActions as any[]).filter((a) => a.action).map((a) => [a.action, a]));
}
