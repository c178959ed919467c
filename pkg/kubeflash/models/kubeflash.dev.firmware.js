import KubeflashModel from '../plugins/kubeflash-class.js';
import { KUBEFLASH } from '../types/kubeflash';
import { isFlashable } from '../utils/badges';
import { artifactFileName, firmwareFiles } from '../utils/firmware-files';

/** Query parameter of the Rollout create page that preselects the Firmware. */
export const ROLLOUT_FIRMWARE_QUERY = 'firmware';

/** A new Firmware as the create form starts it. */
export const DEFAULT_FIRMWARE = {
  deviceClassRef: { name: '' }, version: '', source: { upload: {} }
};

/** Standard image names and the model method that downloads each. */
export const PART_ACTIONS = {
  bootloader:         'downloadBootloader',
  'partition-table':  'downloadPartitionTable',
  'ota-data-initial': 'downloadOtaData',
  app:                'downloadApp',
};

/**
 * One firmware build of a class: build status, per-part downloads, manifest, flasher_args.json and a zip of
 * everything (all served by the artifact service), Rebuild, build logs.
 */
export default class Firmware extends KubeflashModel {
  static defaultSpec = DEFAULT_FIRMWARE;

  /** The build succeeded and lists its images: they can be downloaded, flashed and rolled out. */
  get succeeded() {
    return isFlashable(this);
  }

  get _availableActions() {
    const out = super._availableActions;
    const parts = (this.status?.artifacts || []).filter((a) => PART_ACTIONS[a.name]);

    out.unshift(
      ...parts.map((a) => ({
        action: PART_ACTIONS[a.name], label: this.t('kubeflash.actions.downloadPart', { name: a.name }), icon: 'icon icon-download', enabled: this.succeeded,
      })),
      {
        action: 'downloadManifest', label: this.t('kubeflash.actions.downloadManifest'), icon: 'icon icon-download', enabled: this.succeeded,
      },
      {
        action: 'downloadFlasherArgs', label: this.t('kubeflash.actions.downloadFlasherArgs'), icon: 'icon icon-download', enabled: this.succeeded,
      },
      {
        action: 'downloadZip', label: this.t('kubeflash.actions.downloadZip'), icon: 'icon icon-download', enabled: this.succeeded,
      },
      {
        action: 'rebuild', label: this.t('kubeflash.actions.rebuild'), icon: 'icon icon-refresh', enabled: this.canRebuild,
      },
      {
        action: 'createRollout', label: this.t('kubeflash.actions.createRollout'), icon: 'icon icon-upgrade-alt', enabled: this.succeeded,
      },
      {
        action: 'viewBuildLogs', label: this.t('kubeflash.actions.viewBuildLogs'), icon: 'icon icon-file', enabled: !!this.status?.jobName,
      },
      { divider: true },
    );

    return out;
  }

  /** A git source is built by a Job, so it can be built again; uploaded builds come again from CI. */
  get canRebuild() {
    return !!this.spec?.source?.git;
  }

  /** Downloads one file the artifact service serves for this build (an image, manifest.json, flasher_args.json, the zip). */
  async downloadFile(file) {
    try {
      await this.kfSave(file.endsWith('.zip') ? file : `${ this.metadata.name }-${ file }`, await this.kfFetchArtifact(this.metadata.name, file));
    } catch (err) {
      this.kfError('kubeflash.errors.downloadFailed', err, { message: err?.message || '' });
    }
  }

  /** Downloads one image by artifact name. */
  downloadArtifact(name) {
    const artifact = (this.status?.artifacts || []).find((a) => a.name === name);

    return artifact ? this.downloadFile(artifactFileName(artifact)) : undefined;
  }

  downloadBootloader() {
    return this.downloadArtifact('bootloader');
  }

  downloadPartitionTable() {
    return this.downloadArtifact('partition-table');
  }

  downloadOtaData() {
    return this.downloadArtifact('ota-data-initial');
  }

  downloadApp() {
    return this.downloadArtifact('app');
  }

  downloadManifest() {
    return this.downloadFile(firmwareFiles(this.metadata.name).manifest);
  }

  downloadFlasherArgs() {
    return this.downloadFile(firmwareFiles(this.metadata.name).flasherArgs);
  }

  downloadZip() {
    return this.downloadFile(firmwareFiles(this.metadata.name).zip);
  }

  /** Builds again after asking: a new spec.buildRequest cancels a running build and replaces the artifacts. */
  rebuild() {
    this.kfConfirm('kubeflash.firmware.rebuildTitle', 'kubeflash.firmware.rebuildBody', 'rebuild', () => this.requestRebuild());
  }

  /** Sets spec.buildRequest to the current time and saves: the operator starts a new build Job for the new generation. */
  requestRebuild() {
    return this.kfRequest((spec, stamp) => {
      spec.buildRequest = stamp;
    });
  }

  /** Where "Roll out" goes: the Rollout create page with this build preselected. */
  get createRolloutLocation() {
    return {
      name:   'c-cluster-product-resource-create',
      params: {
        product: this.$rootGetters['productId'], cluster: this.$rootGetters['clusterId'], resource: KUBEFLASH.ROLLOUT
      },
      query: { [ROLLOUT_FIRMWARE_QUERY]: this.metadata.name },
    };
  }

  /** Opens the Rollout create page for this build. */
  createRollout() {
    this.currentRouter().push(this.createRolloutLocation);
  }

  /** The build Job's pod (the newest one). */
  async buildPod() {
    const jobName = this.status?.jobName;

    if (!jobName) {
      return undefined;
    }
    const pods = await this.$dispatch('findMatching', {
      type: 'pod', selector: `job-name=${ jobName }`, namespace: this.metadata.namespace
    });

    return [...(pods || [])].sort((a, b) => (b.metadata?.creationTimestamp || '').localeCompare(a.metadata?.creationTimestamp || ''))[0];
  }

  /** Opens the shell's log viewer on the build Job's pod. */
  async viewBuildLogs() {
    const pod = await this.buildPod();

    if (pod?.openLogs) {
      pod.openLogs();
    }
  }
}
