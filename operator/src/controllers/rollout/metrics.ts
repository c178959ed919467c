import { Counter, Gauge, type Registry } from 'prom-client';
import type { RolloutFigures } from './desired';

/** Device states of kubeflash_rollout_devices. */
const STATES = ['pending', 'inProgress', 'succeeded', 'failed', 'skipped'] as const;

/**
 * Per-Rollout metrics (labels namespace and rollout; series are removed with the Rollout): devices per state, the
 * failure ratio of finished devices, devices offline after their update, commands sent.
 */
export class RolloutMetrics {
  readonly devices: Gauge<'namespace' | 'rollout' | 'state'>;
  readonly failureRatio: Gauge<'namespace' | 'rollout'>;
  readonly offlineAfterUpdate: Gauge<'namespace' | 'rollout'>;
  readonly commands: Counter<'namespace' | 'rollout'>;
  readonly phase: Gauge<'namespace' | 'rollout' | 'phase'>;
  private readonly phases = new Map<string, string>();

  constructor(registry: Registry) {
    const registers = [registry];
    this.devices = new Gauge({ name: 'kubeflash_rollout_devices', help: 'Devices of a Rollout by update state (pending, inProgress, succeeded, failed, skipped).', labelNames: ['namespace', 'rollout', 'state'] as const, registers });
    this.failureRatio = new Gauge({ name: 'kubeflash_rollout_failure_ratio', help: 'Failed devices divided by finished (succeeded + failed) devices of a Rollout; 0 before any finished.', labelNames: ['namespace', 'rollout'] as const, registers });
    this.offlineAfterUpdate = new Gauge({ name: 'kubeflash_rollout_devices_offline_after_update', help: 'Devices of a Rollout that installed its version (health check or succeeded) and are offline now.', labelNames: ['namespace', 'rollout'] as const, registers });
    this.commands = new Counter({ name: 'kubeflash_rollout_commands_total', help: 'cmd/ota commands published for a Rollout (one per attempt).', labelNames: ['namespace', 'rollout'] as const, registers });
    this.phase = new Gauge({ name: 'kubeflash_rollout_phase', help: 'Always 1; the phase label is the Rollout\'s phase.', labelNames: ['namespace', 'rollout', 'phase'] as const, registers });
  }

  /** Records the figures of one decision. */
  record(namespace: string, rollout: string, phase: string | undefined, figures: RolloutFigures): void {
    for (const state of STATES) this.devices.set({ namespace, rollout, state }, figures.counts[state] ?? 0);
    const finished = (figures.counts.succeeded ?? 0) + (figures.counts.failed ?? 0);
    this.failureRatio.set({ namespace, rollout }, finished > 0 ? (figures.counts.failed ?? 0) / finished : 0);
    this.offlineAfterUpdate.set({ namespace, rollout }, figures.offlineAfterUpdate);
    const key = `${namespace}/${rollout}`;
    const previous = this.phases.get(key);
    if (previous !== undefined && previous !== phase) this.phase.remove({ namespace, rollout, phase: previous });
    if (phase) {
      this.phase.set({ namespace, rollout, phase }, 1);
      this.phases.set(key, phase);
    }
  }

  /** Removes the series of a deleted Rollout. */
  forget(namespace: string, rollout: string): void {
    for (const state of STATES) this.devices.remove({ namespace, rollout, state });
    this.failureRatio.remove({ namespace, rollout });
    this.offlineAfterUpdate.remove({ namespace, rollout });
    this.commands.remove({ namespace, rollout });
    const key = `${namespace}/${rollout}`;
    const phase = this.phases.get(key);
    if (phase) this.phase.remove({ namespace, rollout, phase });
    this.phases.delete(key);
  }
}
