// Kubernetes plumbing shared by the operator, the CLI and the suites: kubeconfig loading, manifest
// folders, create-or-keep application of objects, and wire formats (MicroTime).
export * from './kubeconfig';
export * from './manifests';
export * from './apply';
export * from './microtime';
