import { importTypes } from '@rancher/auto-import';
import { IPlugin } from '@shell/core/types';

// Wiring only: pages, models and strings are registered by folder name (auto-import).
export default function(plugin: IPlugin): void {
  importTypes(plugin);
  plugin.metadata = require('./package.json');
}
