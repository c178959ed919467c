import { RolloutPhase } from '@kubeflash/api';
import KubeflashModel from '../plugins/kubeflash-class.js';

/** A new Rollout as the create form starts it. */
export const DEFAULT_ROLLOUT = {
  firmwareRef: { name: '' },
  selector:    { matchLabels: {} },
  strategy:    {
    waves: [2, 25, 100], maxConcurrent: 10, deviceTimeoutSeconds: 1800, abort: { failurePercent: 10, minFinished: 5 },
  },
  paused: false,
};

/**
 * Annotation asking the operator to abort a rollout now (set by the Abort action; the operator
 * stops sending OTA commands and sets phase Aborted).
 */
export const ABORT_ANNOTATION = 'kubeflash.dev/abort';

const FINAL_PHASES = [RolloutPhase.Succeeded, RolloutPhase.Aborted];

/** An OTA rollout: pause, resume and abort. */
export default class Rollout extends KubeflashModel {
  static defaultSpec = DEFAULT_ROLLOUT;

  get isFinished() {
    return FINAL_PHASES.includes(this.status?.phase);
  }

  get _availableActions() {
    const out = super._availableActions;
    const paused = !!this.spec?.paused;

    out.unshift(
      {
        action: 'pause', label: this.t('kubeflash.actions.pause'), icon: 'icon icon-pause', bulkable: true, enabled: !paused && !this.isFinished,
      },
      {
        action: 'resume', label: this.t('kubeflash.actions.resume'), icon: 'icon icon-play', bulkable: true, enabled: paused && !this.isFinished,
      },
      {
        action: 'abort', label: this.t('kubeflash.actions.abort'), icon: 'icon icon-close', enabled: !this.isFinished,
      },
      { divider: true },
    );

    return out;
  }

  /** Sets spec.paused and saves (a PUT of the object). */
  async setPaused(paused) {
    this.spec = { ...this.spec, paused };
    await this.save();
  }

  pause() {
    return this.setPaused(true);
  }

  resume() {
    return this.setPaused(false);
  }

  /** Pauses and asks the operator to abort. */
  async abort() {
    this.metadata.annotations = { ...(this.metadata.annotations || {}), [ABORT_ANNOTATION]: 'true' };
    this.spec = { ...this.spec, paused: true };
    await this.save();
  }
}
