#!/usr/bin/env node
// The kubeflash CLI runs its TypeScript sources through tsx so `npx kubeflash` works right after install.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
