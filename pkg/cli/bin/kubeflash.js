#!/usr/bin/env node
// The kubeflash CLI runs its TypeScript sources through tsx so `npx kubeflash` works right after install;
// workspace packages resolve to their sources too (the `kubeflash-source` export condition).
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

register('./source-conditions.mjs', import.meta.url);
registerTsx();
await import('../src/main.ts');
