// The fleet summary of a DevicesCluster (status.fleet, counted by the operator) as bars for its detail page.
import type { FleetSummary } from '@kubeflash/api';
import { simpleBar, type Bar } from './bars';

/** A translate function (the page's `t`). */
export type Translate = (key: string, args?: Record<string, unknown>) => string;

/** Devices counted in the summary: online + offline + never seen. */
export function fleetTotal(fleet: FleetSummary | undefined): number {
  return (fleet?.online ?? 0) + (fleet?.offline ?? 0) + (fleet?.neverSeen ?? 0);
}

/** Online, offline and never-seen devices as bars of the whole fleet. */
export function fleetStateBars(fleet: FleetSummary | undefined, t: Translate): Bar[] {
  const total = fleetTotal(fleet);

  return [
    simpleBar('online', t('kubeflash.state.online'), fleet?.online ?? 0, total, 'bg-success'),
    simpleBar('offline', t('kubeflash.state.offline'), fleet?.offline ?? 0, total, 'bg-error'),
    simpleBar('never-seen', t('kubeflash.state.neverSeen'), fleet?.neverSeen ?? 0, total, 'bg-darker'),
  ];
}

/** Reported firmware versions as bars of the devices that reported one (most devices first, as the operator sorts them). */
export function firmwareVersionBars(fleet: FleetSummary | undefined): Bar[] {
  const versions = fleet?.firmwareVersions || [];
  const reporting = versions.reduce((n, v) => n + v.devices, 0);

  return versions.map((v) => simpleBar(v.version, v.version, v.devices, reporting, 'bg-info'));
}
