import { ConfigKeyLayer, type Device, type RenderedConfigKey } from '@kubeflash/api';

/** One row of the effective-config table: a recorded key and how to describe where it came from. */
export interface RenderedKeyRow {
  key: string;
  type: string;
  /** l10n key of the layer name (`kubeflash.layer.<layer>`). */
  layerKey: string;
  /** The object that set the value (a DevicesCluster, DeviceClass, DeviceGroup, Device or Secret; "operator"). */
  source: string;
  /** l10n key and arguments of what else the record says: a group's priority, the layer that named a Secret. */
  detail?: { key: string; args: Record<string, string | number> };
  /** The value is secret; the table never shows a value anyway, this only marks the row. */
  secret: boolean;
  /** The record is older than the device's spec: the operator has not rendered this generation yet. */
  pending: boolean;
}

/** What the operator recorded of a device's rendered config, and whether it lags the spec. */
export interface RenderedConfigView {
  /** status.config.keys was written at least once. */
  recorded: boolean;
  /** status.config.observedGeneration is behind metadata.generation (or unknown while keys are recorded). */
  pending: boolean;
  generation?: number;
  observedGeneration?: number;
  rows: RenderedKeyRow[];
}

function detailOf(k: RenderedConfigKey): RenderedKeyRow['detail'] {
  if (k.layer === ConfigKeyLayer.SecretRef && k.referencedBy) {
    return { key: 'kubeflash.device.rendered.referencedBy', args: { object: k.referencedBy } };
  }
  if (k.priority !== undefined) {
    return { key: 'kubeflash.device.rendered.priority', args: { priority: k.priority } };
  }

  return undefined;
}

/**
 * The effective-config tab's view of `status.config`: exactly the keys the operator recorded, in its order,
 * each marked pending while `status.config.observedGeneration` lags `metadata.generation`. Nothing is
 * recomputed here and no value is read: the record holds none.
 */
export function renderedConfigView(device: Partial<Pick<Device, 'metadata' | 'status'>>): RenderedConfigView {
  const config = device.status?.config;
  const keys = config?.keys || [];
  const generation = device.metadata?.generation;
  const observedGeneration = config?.observedGeneration;
  const recorded = config?.keys !== undefined;
  const pending = recorded && generation !== undefined && (observedGeneration === undefined || observedGeneration < generation);

  return {
    recorded, pending, generation, observedGeneration, rows: keyRows(keys, pending),
  };
}

/** Table rows of recorded keys (status.config.keys, or the same record previewed for unsaved edits). */
export function keyRows(keys: readonly RenderedConfigKey[], pending: boolean): RenderedKeyRow[] {
  return keys.map((k) => ({
    key:      k.key,
    type:     k.type || '',
    layerKey: `kubeflash.layer.${ k.layer }`,
    source:   k.source,
    detail:   detailOf(k),
    secret:   !!k.secret,
    pending,
  }));
}
