import type { Command } from 'commander';

export function registerDevCommand(program: Command): void {
  program
    .command('dev')
    .description('run the embedded devcluster and the operator (development only)')
    .action(() => {
      console.log('kubeflash dev: not yet implemented');
    });
}
