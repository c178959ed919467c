import { defineComponent } from 'vue';
import CreateEditView from '@shell/mixins/create-edit-view';

/**
 * The detail-page mixin: the shell's CreateEditView (which declares `value` and `mode`), inheritAttrs off (the
 * shell passes more than a page reads). Pages register the components they use themselves (the shell's
 * ResourceTabs and Tab, which add the Conditions, Events and Related tabs; DataTable, KeyValueTable), so
 * vue-tsc checks the props they pass and tests can stub them.
 */
export default defineComponent({
  mixins:       [CreateEditView],
  inheritAttrs: false,
});
