import { ROLLOUT_DEFAULTS, RolloutPhase, WaveState } from '@kubeflash/api';
import KubeflashModel from '../plugins/kubeflash-class.js';
import { KUBEFLASH } from '../types/kubeflash';

/** A new Rollout as the create form starts it: every strategy and health-check default of the API, and a dry run first. */
export const DEFAULT_ROLLOUT = {
  firmwareRef:  { name: '' },
  selector:     { matchLabels: {} },
  devices:      [],
  macAddresses: [],
  deviceGroups: [],
  dynamic:      false,
  dryRun:       true,
  strategy:     {
    waves:                  ROLLOUT_DEFAULTS.waves,
    maxConcurrent:          ROLLOUT_DEFAULTS.maxConcurrent,
    pause:                  { durationSeconds: ROLLOUT_DEFAULTS.pauseSeconds, approval: ROLLOUT_DEFAULTS.pauseApproval },
    deviceTimeoutSeconds:   ROLLOUT_DEFAULTS.deviceTimeoutSeconds,
    progressTimeoutSeconds: ROLLOUT_DEFAULTS.progressTimeoutSeconds,
    maxAttempts:            ROLLOUT_DEFAULTS.maxAttempts,
    abort:                  {
      failurePercent: ROLLOUT_DEFAULTS.failurePercent, minFinished: ROLLOUT_DEFAULTS.minFinished, consecutiveFailures: ROLLOUT_DEFAULTS.consecutiveFailures,
    },
  },
  healthCheck: { minOnlineSeconds: ROLLOUT_DEFAULTS.minOnlineSeconds },
  paused:      false,
};

const FINAL_PHASES = [RolloutPhase.Succeeded, RolloutPhase.Aborted];

/**
 * An OTA rollout. Its controls are spec fields the operator reads: Start (spec.dryRun false), Pause and Resume
 * (spec.paused), Approve (spec.approvedWave), Abort (spec.abort, final); after it succeeded, "make this the
 * class's version" sets the DeviceClass's spec.firmware.version.
 */
export default class Rollout extends KubeflashModel {
  static defaultSpec = DEFAULT_ROLLOUT;

  get isFinished() {
    return FINAL_PHASES.includes(this.status?.phase) || !!this.spec?.abort;
  }

  /** The wave waiting for approval (phase WaveApproval): the first wave not started yet. */
  get waveAwaitingApproval() {
    if (this.status?.phase !== RolloutPhase.WaveApproval) {
      return undefined;
    }
    const pending = (this.status.waves || []).find((w) => w.state === WaveState.Pending);

    return pending?.wave ?? (this.status.currentWave || 0) + 1;
  }

  /** Whether each control is possible now, by model method name. */
  get controls() {
    const live = !this.isFinished;

    return {
      start:            live && !!this.spec?.dryRun,
      pause:            live && !this.spec?.dryRun && !this.spec?.paused,
      resume:           live && !!this.spec?.paused,
      approve:          live && this.waveAwaitingApproval !== undefined,
      abort:            live,
      makeClassVersion: this.status?.phase === RolloutPhase.Succeeded,
    };
  }

  get _availableActions() {
    const out = super._availableActions;
    const enabled = this.controls;
    const action = (name, icon, bulkable = false) => ({
      action: name, label: this.t(`kubeflash.actions.${ name }`), icon: `icon ${ icon }`, bulkable, enabled: enabled[name],
    });

    out.unshift(
      action('start', 'icon-play'),
      action('pause', 'icon-pause', true),
      action('resume', 'icon-play', true),
      action('approve', 'icon-checkmark'),
      action('abort', 'icon-close'),
      action('makeClassVersion', 'icon-upgrade-alt'),
      { divider: true },
    );

    return out;
  }

  /** Ends the dry run: the operator sends the first wave. */
  start() {
    return this.kfRequest((spec) => {
      spec.dryRun = false;
    });
  }

  pause() {
    return this.kfRequest((spec) => {
      spec.paused = true;
    });
  }

  resume() {
    return this.kfRequest((spec) => {
      spec.paused = false;
    });
  }

  /** Lets the waiting wave start (spec.approvedWave is the highest wave that may start). */
  approve() {
    const wave = this.waveAwaitingApproval;

    return wave === undefined ? undefined : this.kfRequest((spec) => {
      spec.approvedWave = wave;
    });
  }

  /** Aborts after asking: nothing new is sent; an aborted rollout cannot be resumed. */
  abort() {
    this.kfConfirm('kubeflash.rollout.abortTitle', 'kubeflash.rollout.abortBody', 'abort', () => this.kfRequest((spec) => {
      spec.abort = true;
    }));
  }

  /** The version this rollout installed: status.targetVersion, else its Firmware's. */
  async installedVersion() {
    if (this.status?.targetVersion) {
      return { version: this.status.targetVersion, firmware: await this.kfFindSibling(KUBEFLASH.FIRMWARE, this.spec?.firmwareRef?.name) };
    }
    const firmware = await this.kfFindSibling(KUBEFLASH.FIRMWARE, this.spec?.firmwareRef?.name);

    return { version: firmware?.spec?.version, firmware };
  }

  /** After asking, makes the rolled-out version the class's spec.firmware.version, so newly flashed devices get it too. */
  makeClassVersion() {
    this.kfConfirm('kubeflash.rollout.classVersionTitle', 'kubeflash.rollout.classVersionBody', 'classVersion', () => this.setClassVersion());
  }

  /** Sets the Firmware's DeviceClass spec.firmware.version to the rolled-out version and saves the class. */
  async setClassVersion() {
    const { version, firmware } = await this.installedVersion();
    const deviceClass = await this.kfFindSibling(KUBEFLASH.DEVICE_CLASS, firmware?.spec?.deviceClassRef?.name);

    if (!version || !deviceClass) {
      throw new Error(this.t('kubeflash.errors.noRolloutClass', { name: this.metadata.name }));
    }
    await deviceClass.kfRequest((spec) => {
      spec.firmware = { ...(spec.firmware || { source: firmware.spec.source }), version };
    });

    return deviceClass;
  }
}
