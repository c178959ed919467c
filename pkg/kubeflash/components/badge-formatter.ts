import {
  defineComponent, h, resolveDirective, withDirectives, type PropType,
} from 'vue';
import { BadgeState } from '@components/BadgeState';
import type { BadgeInfo } from '../utils/badges';

/** What a badge formatter shows for a row: the badge, and optionally a tooltip (e.g. a condition message). */
export interface BadgeOf<Row> {
  badge: (row: Row) => BadgeInfo;
  tooltip?: (row: Row) => string | undefined;
}

/**
 * A list-cell formatter (formatters/<name>.js, referenced by a header's `formatter`) that shows a BadgeState
 * computed from the row, with the label translated and a data-testid for tests.
 */
export function badgeFormatter<Row>(name: string, testid: string, of: BadgeOf<Row>) {
  return defineComponent({
    name,
    props: {
      // The shell passes the cell value and the column too; the badge is computed from the whole row.
      value: { type: null as unknown as PropType<unknown>, default: undefined },
      row:   { type: Object as PropType<Record<string, any>>, required: true },
    },
    render() {
      const row = this.row as Row;
      const badge = of.badge(row);
      const tooltip = of.tooltip?.(row);
      const node = h(BadgeState, {
        color: badge.color, label: this.t(badge.labelKey), 'data-testid': testid
      });
      const directive = tooltip ? resolveDirective('clean-tooltip') : undefined;

      return directive ? withDirectives(node, [[directive, tooltip]]) : node;
    },
  });
}
