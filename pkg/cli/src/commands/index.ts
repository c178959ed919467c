import type { Command } from 'commander';
import { registerDevCommand } from './dev';
import { registerDevicesCommand } from './devices';
import { registerFlashCommand } from './flash';
import { registerFlashScriptCommand } from './flash-script';
import { registerImageCommand } from './image';
import { registerManifestsCommand } from './manifests';
import { registerNvsCommand } from './nvs';
import { registerArtifactsCommand, registerFirmwareCommand, registerOperatorCommand } from '@kubeflash/operator/cli';
import { registerPartitionsCommand } from './partitions';
import { registerRenderCommand } from './render';

/** Every `kubeflash` sub-command, registered in the order `--help` lists them. */
export function registerCommands(program: Command): void {
  registerDevCommand(program);
  registerOperatorCommand(program);
  registerArtifactsCommand(program);
  registerFirmwareCommand(program);
  registerManifestsCommand(program);
  registerNvsCommand(program);
  registerPartitionsCommand(program);
  registerImageCommand(program);
  registerFlashCommand(program);
  registerFlashScriptCommand(program);
  registerRenderCommand(program);
  registerDevicesCommand(program);
}
