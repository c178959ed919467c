// Descriptors the shared page components render: table columns and form fields.

/** A column of DataTable: the row property shown (or the `cell:<name>` slot), and its heading. */
export interface TableColumn {
  name: string;
  /** l10n key of the heading; no heading row when no column has one. */
  labelKey?: string;
  /** Show the value as code (keys, offsets, hashes). */
  code?: boolean;
  /** The value is a BadgeInfo (utils/badges.ts): show it as a BadgeState with its translated label. */
  badge?: boolean;
}

/** One tab of a page (PageTabs): its name, also the slot with its content, and its label. */
export interface PageTab {
  name: string;
  /** The label, already translated. */
  label: string;
}

/** Kinds of FieldInput. */
export type FieldKind = 'text' | 'number' | 'select' | 'list' | 'checkbox';

/** A select option. */
export interface FieldOption {
  label: string;
  value: unknown;
}

/** One input of FormFields, bound to a path of the edited object. */
export interface FieldSpec {
  /** Path in the edited object, e.g. `spec.mqtt.brokerUri` (missing parents are created on input). */
  path: string;
  labelKey: string;
  /** Columns of the 12-column grid. */
  span: number;
  /**
   * Input kind: text (default), number (stored as a number, empty = unset), select, list (a select of several
   * values stored as an array; typed values are allowed when it has no options) or checkbox (a boolean).
   */
  kind?: FieldKind;
  /** Choices of a select: options, or plain strings used as label and value. */
  options?: readonly (FieldOption | string)[];
  required?: boolean;
  placeholder?: string;
  /** l10n key of the help line under the input. */
  subLabelKey?: string;
  /** Show the form rules of `path` (its fvFormRuleSets entry) on this input. */
  rules?: boolean;
  testid?: string;
  /** Replaces reading `path` (e.g. a value the page keeps as text until it parses). */
  get?: () => unknown;
  /** Replaces storing the input at `path` (e.g. picking a class also copies its firmware source). */
  onInput?: (value: unknown) => void;
}

/** A heading between rows of fields. */
export interface FieldHeading {
  headingKey: string;
}

/** Rows of fields, each row one line of the grid, and headings between them. */
export type FieldRows = readonly (readonly FieldSpec[] | FieldHeading)[];
