import { defineComponent } from 'vue';
import CreateEditView from '@shell/mixins/create-edit-view';
import type { PageTab } from '../types/ui';
import type { KeyValueRow } from '../utils/detail-rows';

/** What PageTabs is bound with. */
export interface PageTabsBindings {
  value: Record<string, any>;
  mode: string;
  tabs: PageTab[];
  summary: KeyValueRow[];
}

/**
 * The detail-page mixin: the shell's CreateEditView (which declares `value` and `mode`), inheritAttrs off (the
 * shell passes more than a page reads), and `pageTabs` to bind PageTabs with. A page overrides `tabs`
 * (one slot of PageTabs each) and `summary` (labelled values above the tabs), and registers the components
 * it uses itself, so vue-tsc checks the props it passes and tests can stub them.
 */
export default defineComponent({
  mixins:       [CreateEditView],
  inheritAttrs: false,
  computed:     {
    /** The page's own tabs, in order; the shell adds Conditions, Events and Related after them. */
    tabs(): PageTab[] {
      return [];
    },
    /** Labelled values shown above the tabs. */
    summary(): KeyValueRow[] {
      return [];
    },
    /** Props of PageTabs. */
    pageTabs(): PageTabsBindings {
      return {
        value: this.value, mode: this.mode, tabs: this.tabs, summary: this.summary,
      };
    },
  },
});
