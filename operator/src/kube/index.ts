// Kubernetes plumbing shared by the operator, the CLI and the suites: kubeconfig loading, manifest
// folders, and create-or-keep application of objects.
export * from './kubeconfig';
export * from './manifests';
export * from './apply';
