import { importTypes } from '@rancher/auto-import';
import { IPlugin } from '@shell/core/types';

// Wiring only: pages, models, formatters, dialogs and strings are registered by folder name (auto-import).
// The shell expects the product as a module object with `init` (its ProductFunction type says otherwise),
// and package.json as plain metadata, hence the two requires, as in the extension creator's template.
export default function(plugin: IPlugin): void {
  importTypes(plugin);
  plugin.metadata = require('./package.json'); // eslint-disable-line @typescript-eslint/no-require-imports
  plugin.addProduct(require('./config/kubeflash')); // eslint-disable-line @typescript-eslint/no-require-imports
}
