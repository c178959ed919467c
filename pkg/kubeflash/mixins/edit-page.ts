import { defineComponent } from 'vue';
import type { ConfigLayer } from '@kubeflash/api';
import CreateEditView from '@shell/mixins/create-edit-view';
import FormValidation, { type FvRuleSet, type FvValidator } from '@shell/mixins/form-validation';
import { get, set } from '@shell/utils/object';
import { CORE } from '../types/kubeflash';
import { compactLayer } from '../utils/config-layer';
import { problemsText } from '../utils/config-problems';
import { inNamespace, secretChoices, type SecretChoice } from '../utils/edit-support';

/** What distinguishes one kubeflash edit page from another. */
export interface EditPageOptions<Lists extends Record<string, string>> {
  /** data-testid of the form, `kubeflash-<kind>-edit`. */
  testid: string;
  /** The spec a new object starts with (the model's default object; copied, never shared). */
  defaults: Record<string, any>;
  /** Paths in spec the form binds into (e.g. `firmware.source`), filled from the defaults when missing. */
  parts?: string[];
  /** Fills anything else the form binds to (on open, and after a failed save); `spec` exists already. */
  ensure?: (value: Record<string, any>) => void;
  /** Removes empty optional parts of `spec` before saving, so saved objects stay minimal. */
  compact?: (spec: Record<string, any>) => void;
  /**
   * The kind has a config layer at spec.config: it is kept editable, its empty parts are dropped on save, the
   * namespace's Secrets are loaded (`allSecrets`, `secrets`), and `configEditor` binds ConfigEditor to it.
   */
  configLayer?: boolean;
  /** Objects the page needs: data property -> type id, loaded into the cluster store when the page opens. */
  load?: Lists;
  /** Form rules besides the required name (fvFormRuleSets entries; custom rule names go in the page's extraRules). */
  rules?: FvRuleSet[];
}

/** What EditForm is bound with (besides its rows of fields). */
export interface EditFormBindings {
  value: Record<string, any>;
  mode: string;
  doneRoute: string | Record<string, any>;
  errors: string[];
  validationPassed: boolean;
  rulesFor: (path: string) => FvValidator[];
  'data-testid': string;
  onFinish: (buttonDone: (ok: boolean) => void) => Promise<void>;
  onError: (errors: string[]) => void;
}

/** What FormFields is bound with, besides its rows. */
export interface FieldBindings {
  value: Record<string, any>;
  mode: string;
  rulesFor: (path: string) => FvValidator[];
}

/** What ConfigEditor is bound with. */
export interface ConfigEditorBindings {
  value: ConfigLayer;
  secrets: SecretChoice[];
  mode: string;
  errors: Record<string, string>;
  'onUpdate:value': (layer: ConfigLayer) => void;
}

const copy = (o: Record<string, any>): Record<string, any> => JSON.parse(JSON.stringify(o));

/** Fills the parts of `value` the form binds to: spec and its parts from the defaults, the config layer, the page's own. */
function fillSpec(value: Record<string, any>, options: EditPageOptions<Record<string, string>>): void {
  const defaults = copy(options.defaults);

  value.spec = value.spec || defaults;
  for (const part of options.parts || []) {
    if (get(value.spec, part) === undefined) {
      set(value.spec, part, get(defaults, part));
    }
  }
  if (options.configLayer) {
    value.spec.config = value.spec.config || { values: {}, secretRefs: [] };
  }
  options.ensure?.(value);
}

/**
 * The create/edit-page mixin: the shell's CreateEditView and FormValidation, the object's spec filled with
 * defaults, the listed objects loaded, `editForm` (bind EditForm with it), `fieldProps` (bind more
 * FormFields with it), `namespace`, `ofNamespace(list)`
 * and `finish` (compact, save, refill); for kinds with a config layer also `secrets` and `configEditor`
 * (bind ConfigEditor with it; the page's `configErrors` show on its keys and stop the save). A page
 * registers EditForm and the other components itself (so vue-tsc checks what it passes) and adds its
 * fields, computed values and `extraRules` (validators named in its `rules`).
 */
export function editPage<Lists extends Record<string, string> = Record<string, never>>(options: EditPageOptions<Lists>) {
  const lists = Object.entries({ ...(options.load || {}), ...(options.configLayer ? { allSecrets: CORE.SECRET } : {}) });

  return defineComponent({
    mixins:       [CreateEditView, FormValidation],
    inheritAttrs: false,
    async fetch() {
      const loaded = await Promise.all(lists.map(([, type]) => this.$store.dispatch('cluster/findAll', { type })));

      lists.forEach(([field], i) => {
        (this as Record<string, any>)[field] = loaded[i] || [];
      });
    },
    data() {
      fillSpec(this.value, options);

      return {
        ...(Object.fromEntries(lists.map(([field]) => [field, []])) as unknown as { [K in keyof Lists]: any[] }),
        allSecrets:     [] as any[],
        fvFormRuleSets: [
          {
            path: 'metadata.name', rules: ['required'], translationKey: 'nameNsDescription.name.label'
          },
          ...(options.configLayer ? [{ path: 'spec.config', rules: ['kubeflashConfig'] }] : []),
          ...(options.rules || []),
        ],
      };
    },
    computed: {
      namespace(): string | undefined {
        return this.value.metadata?.namespace;
      },
      /** Props and listeners of EditForm. */
      editForm(): EditFormBindings {
        return {
          value:            this.value,
          mode:             this.mode,
          doneRoute:        this.doneRoute,
          errors:           this.fvUnreportedValidationErrors,
          validationPassed: this.fvFormIsValid,
          rulesFor:         this.fvGetAndReportPathRules,
          'data-testid':    options.testid,
          onFinish:         this.finish,
          onError:          (errors: string[]) => {
            this.errors = errors;
          },
        };
      },
      /** Props of FormFields (besides its rows), for fields outside EditForm's own rows. */
      fieldProps(): FieldBindings {
        return {
          value: this.value, mode: this.mode, rulesFor: this.fvGetAndReportPathRules
        };
      },
      /** Secrets of the namespace as the config editor offers them (names and keys, never values). */
      secrets(): SecretChoice[] {
        return secretChoices(this.ofNamespace(this.allSecrets));
      },
      /** Problems of the config layer by key; pages with a config layer compute them. */
      configErrors(): Record<string, string> {
        return {};
      },
      /** The page's own validators, by the rule names its `rules` use. */
      extraRules(): Record<string, FvValidator> {
        return {};
      },
      /** FormValidation's custom validators: the config layer's problems (`kubeflashConfig`) and the page's. */
      fvExtraRules(): Record<string, FvValidator> {
        return { kubeflashConfig: () => problemsText(this.configErrors), ...this.extraRules };
      },
      /** Props and listeners of ConfigEditor on spec.config. */
      configEditor(): ConfigEditorBindings {
        return {
          value:            this.value.spec.config,
          secrets:          this.secrets,
          mode:             this.mode,
          errors:           this.configErrors,
          'onUpdate:value': (layer: ConfigLayer) => {
            this.value.spec.config = layer;
          },
        };
      },
    },
    methods: {
      /** Fills the parts of spec the form binds to (on open, and again after a failed save). */
      ensureSpec(): void {
        fillSpec(this.value, options);
      },
      /** The objects of `list` in the edited object's namespace. */
      ofNamespace<T extends { metadata: { namespace?: string } }>(list: readonly T[] | undefined): T[] {
        return inNamespace(list, this.namespace);
      },
      /** Compacts the spec and saves through the shell's create/edit flow. */
      async finish(buttonDone: (ok: boolean) => void): Promise<void> {
        if (options.configLayer) {
          const config = compactLayer(this.value.spec.config);

          if (config) {
            this.value.spec.config = config;
          } else {
            delete this.value.spec.config;
          }
        }
        options.compact?.(this.value.spec);
        await this.save(buttonDone, undefined);
        this.ensureSpec();
      },
    },
  });
}
