// The command-line plumbing of the operator process, shared with the `kubeflash` CLI.
export * from './errors';
export * from './parse';
export * from './operator-command';
export * from './run';
export * from './artifacts-command';
export * from './firmware-command';
