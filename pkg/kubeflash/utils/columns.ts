import type { TableColumn } from '../types/ui';

/**
 * Columns from `name: heading` pairs: the heading is `kubeflash.headers.<heading>` (or a full l10n key when it
 * has a dot, none when empty); a name ending in `!` is shown as code, one ending in `*` is a badge (the row's
 * value is a BadgeInfo).
 */
export function tableColumns(spec: Record<string, string>): TableColumn[] {
  return Object.entries(spec).map(([key, heading]) => ({
    name:     key.replace(/[!*]$/, ''),
    labelKey: heading ? (heading.includes('.') ? heading : `kubeflash.headers.${ heading }`) : undefined,
    code:     key.endsWith('!'),
    badge:    key.endsWith('*'),
  }));
}
