import type { Command } from 'commander';
import { registerDevCommand } from './dev';
import { registerFlashCommand } from './flash';
import { registerNvsCommand } from './nvs';
import { registerRenderCommand } from './render';

/** Every `kubeflash` sub-command, registered in the order `--help` lists them. */
export function registerCommands(program: Command): void {
  registerDevCommand(program);
  registerNvsCommand(program);
  registerFlashCommand(program);
  registerRenderCommand(program);
}
