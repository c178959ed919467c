// Data of BarChart: bars with colored segments, as percentages of a whole.
import type { BadgeInfo } from './badges';

/** One colored part of a bar, as a percentage of the bar's whole (0-100). */
export interface BarSegment {
  color: BadgeInfo['color'];
  percent: number;
}

/** One bar: a key (row test id), its label, segments and the text after it. */
export interface Bar {
  key: string;
  label: string;
  segments: BarSegment[];
  valueText: string;
}

/** `part` of `whole` in percent, one decimal, 0 when the whole is empty. */
export function percentOf(part: number, whole: number): number {
  return whole > 0 ? Math.round((part * 1000) / whole) / 10 : 0;
}

/** A bar of one color: `value` out of `whole`, with "value (percent%)" after it. */
export function simpleBar(key: string, label: string, value: number, whole: number, color: BadgeInfo['color'] = 'bg-info'): Bar {
  const percent = percentOf(value, whole);

  return {
    key, label, segments: [{ color, percent }], valueText: `${ value } (${ Math.round(percent) }%)`,
  };
}
