// Launches sim-esptool.ts with workspace packages resolved to their sources (as pkg/cli/bin/kubeflash.js does).
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

register('../../pkg/cli/bin/source-conditions.mjs', import.meta.url);
registerTsx();
await import('./sim-esptool.ts');
