// Entry point of the operator's production bundle (dist/kubeflash-operator.mjs): only the commands the
// chart's containers run, with plain node: operator, artifacts, and firmware upload (the build Job's upload step).
import { Command } from 'commander';
import { registerArtifactsCommand, registerFirmwareCommand, registerOperatorCommand, runCommandLine } from './cli/index';

const program = new Command('kubeflash-operator')
  .description('the kubeflash operator (the `kubeflash` CLI has every other command)')
  .showHelpAfterError()
  .exitOverride();

registerOperatorCommand(program);
registerArtifactsCommand(program);
registerFirmwareCommand(program);
await runCommandLine(program, 'kubeflash-operator');
