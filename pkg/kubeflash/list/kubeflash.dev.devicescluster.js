// The list page of kubeflash.dev.devicescluster: the shared list component with the kind's columns.
export { default } from '../components/ResourceListPage.vue';
