import KubeflashModel from '../plugins/kubeflash-class.js';
import { KUBEFLASH, CORE } from '../types/kubeflash';
import { isConfigReady, isFlashable, isOnline, onlineRank } from '../utils/badges';
import { base64ToBytes } from '../utils/artifact-server';
import { artifactFileName, artifactUrl, sortedArtifacts } from '../utils/firmware-files';

/** A new Device as the create form starts it. */
export const DEFAULT_DEVICE = {
  deviceClassRef:    { name: '' },
  devicesClusterRef: { name: '' },
  config:            { values: {}, secretRefs: [] },
};

/** Key of config.bin in the device's config Secret. */
export const CONFIG_BIN_KEY = 'config.bin';
/** Key of nvs_keys.bin (classes with NVS encryption) in the device's config Secret. */
export const NVS_KEYS_KEY = 'nvs_keys.bin';

/**
 * One ESP32 board: downloads of its config and flash script, USB flashing, and the requests the operator
 * carries out (spec.rebootRequest, spec.credentials.rotate).
 */
export default class Device extends KubeflashModel {
  static defaultSpec = DEFAULT_DEVICE;

  get _availableActions() {
    const out = super._availableActions;
    const configReady = isConfigReady(this);

    out.unshift(
      {
        action: 'flashUsb', label: this.t('kubeflash.actions.flashUsb'), icon: 'icon icon-upload', enabled: configReady,
      },
      {
        action: 'reprovisionUsb', label: this.t('kubeflash.actions.reprovisionUsb'), icon: 'icon icon-refresh', enabled: configReady,
      },
      {
        action: 'downloadConfig', label: this.t('kubeflash.actions.downloadConfig'), icon: 'icon icon-download', bulkable: true, enabled: configReady,
      },
      {
        action: 'downloadFlashScript', label: this.t('kubeflash.actions.downloadFlashScript'), icon: 'icon icon-download', enabled: configReady,
      },
      {
        action: 'downloadFlashScriptNoSecrets', label: this.t('kubeflash.actions.downloadFlashScriptNoSecrets'), icon: 'icon icon-download', bulkable: true, enabled: true,
      },
      { divider: true },
      {
        action: 'reboot', label: this.t('kubeflash.actions.reboot'), icon: 'icon icon-refresh', bulkable: true, enabled: this.canReboot,
      },
      {
        action: 'rotateCredentials', label: this.t('kubeflash.actions.rotateCredentials'), icon: 'icon icon-key', enabled: true,
      },
      { divider: true },
    );

    return out;
  }

  /** The operator sends cmd/reboot only to an online device (commands are never queued), so Reboot needs one. */
  get canReboot() {
    return isOnline(this) === true;
  }

  /** Reboots the device now: a new spec.rebootRequest, which the operator answers in status.reboot. */
  reboot() {
    return this.kfRequest((spec, stamp) => {
      spec.rebootRequest = stamp;
    }).catch((err) => this.kfError('kubeflash.actions.reboot', err));
  }

  /** Rotates the generated credentials after asking: the board keeps the old ones until its new config is flashed. */
  rotateCredentials() {
    this.kfConfirm('kubeflash.device.rotateTitle', 'kubeflash.device.rotateBody', 'rotate', () => this.requestRotation());
  }

  /** Sets spec.credentials.rotate to the current time and saves: new MQTT and web passwords, broker and config together. */
  requestRotation() {
    return this.kfRequest((spec, stamp) => {
      spec.credentials = { ...(spec.credentials || {}), rotate: stamp };
    });
  }

  /** Sort key of the online column: online, offline, never seen. */
  get onlineSort() {
    return onlineRank(this);
  }

  /** Name of the Secret the operator writes config.bin into. */
  get configSecretName() {
    return this.status?.config?.secretName || `${ this.metadata.name }-config`;
  }

  /** The device's config.bin (NVS image) from its Secret. */
  async fetchConfigBin() {
    return (await this.fetchConfigImages()).config;
  }

  /** config.bin and, for a class with NVS encryption, nvs_keys.bin from the device's Secret. */
  async fetchConfigImages() {
    const secret = await this.kfFindSibling(CORE.SECRET, this.configSecretName);
    const b64 = secret?.data?.[CONFIG_BIN_KEY];

    if (!b64) {
      throw new Error(this.t('kubeflash.errors.noConfigSecret', { name: this.metadata.name }));
    }
    const keys = secret.data[NVS_KEYS_KEY];

    return { config: base64ToBytes(b64), nvsKeys: keys ? base64ToBytes(keys) : undefined };
  }

  /** Everything flashing needs: class, firmware build, cluster and the config partition's offset. */
  async fetchFlashContext() {
    const deviceClass = await this.kfFindSibling(KUBEFLASH.DEVICE_CLASS, this.spec.deviceClassRef?.name);
    const cluster = await this.kfFindSibling(KUBEFLASH.DEVICES_CLUSTER, this.spec.devicesClusterRef?.name);
    const firmwareName = deviceClass?.status?.firmware?.name;
    const firmware = firmwareName ? await this.kfFindSibling(KUBEFLASH.FIRMWARE, firmwareName) : undefined;

    if (!isFlashable(firmware)) {
      throw new Error(this.t('kubeflash.errors.noFirmware', { name: this.spec.deviceClassRef?.name }));
    }
    const label = deviceClass.spec?.partitions?.config?.label || 'config';
    const [table, esp] = await Promise.all([
      this.kfFetchArtifact(firmware.metadata.name, 'partition-table.bin'),
      import(/* webpackChunkName: "esp" */ '@kubeflash/esp'),
    ]);
    const partition = esp.findPartition(esp.parsePartitionTableBinary(table), { label });

    if (!partition) {
      throw new Error(this.t('kubeflash.errors.noConfigPartition', { firmware: firmware.metadata.name, label }));
    }

    return {
      deviceClass, cluster, firmware, configPartition: partition, partitionTable: esp.parsePartitionTableBinary(table),
    };
  }

  async downloadConfig() {
    try {
      await this.kfSave(`${ this.metadata.name }-config.bin`, await this.fetchConfigBin());
    } catch (err) {
      this.kfError('kubeflash.actions.downloadConfig', err);
    }
  }

  /**
   * Builds the flash script with @kubeflash/flasher's generator: with secrets it embeds config.bin (and
   * nvs_keys.bin for an encrypted class), without them the script reads the Secret with kubectl.
   */
  async buildFlashScript(withSecrets) {
    const [ctx, flasher] = await Promise.all([this.fetchFlashContext(), import(/* webpackChunkName: "flasher" */ '@kubeflash/flasher')]);
    const baseUrl = ctx.cluster?.spec?.artifacts?.publicBaseUrl;
    const artifacts = sortedArtifacts(ctx.firmware.status.artifacts);

    if (!baseUrl && artifacts.some((a) => !a.url)) {
      throw new Error(this.t('kubeflash.errors.noArtifactUrl', { name: this.spec.devicesClusterRef?.name }));
    }
    const label = ctx.deviceClass.spec?.partitions?.config?.label || 'config';
    const partitions = flasher.devicePartitions(ctx.partitionTable, label, ctx.deviceClass.spec?.encryption === 'nvs', ctx.firmware.metadata.name);
    let source = { kind: 'kubectl', secretName: this.configSecretName };

    if (withSecrets) {
      const images = await this.fetchConfigImages();

      source = {
        kind: 'embedded', configBin: images.config, nvsKeysBin: images.nvsKeys
      };
    }
    const parts = artifacts.map((a) => ({
      name: a.name, file: artifactFileName(a), offset: a.offset, size: a.size, sha256: a.sha256, url: a.url || artifactUrl(baseUrl, this.metadata.namespace, ctx.firmware.metadata.name, artifactFileName(a)),
    }));

    return flasher.generateFlashScript({
      device:   { name: this.metadata.name, namespace: this.metadata.namespace },
      chip:     ctx.deviceClass.spec.chip,
      firmware: {
        name: ctx.firmware.metadata.name, version: ctx.firmware.spec.version, parts
      },
      config: {
        ...partitions.config, source, nvsKeys: partitions.nvsKeys
      },
      generator: 'the kubeflash Rancher extension',
    });
  }

  async downloadFlashScript() {
    try {
      await this.kfSave(`flash-${ this.metadata.name }.sh`, await this.buildFlashScript(true), 'text/x-shellscript');
    } catch (err) {
      this.kfError('kubeflash.actions.downloadFlashScript', err);
    }
  }

  async downloadFlashScriptNoSecrets() {
    try {
      await this.kfSave(`flash-${ this.metadata.name }-nosecrets.sh`, await this.buildFlashScript(false), 'text/x-shellscript');
    } catch (err) {
      this.kfError('kubeflash.actions.downloadFlashScriptNoSecrets', err);
    }
  }

  /** Opens the flash dialog (dialog/KubeflashFlashDialog.vue) for firmware + config. */
  flashUsb() {
    this.$dispatch('promptModal', {
      component: 'KubeflashFlashDialog', resources: [this], modalWidth: '720px', componentProps: { mode: 'full' },
    });
  }

  /** Opens the flash dialog for rewriting only the config partition. */
  reprovisionUsb() {
    this.$dispatch('promptModal', {
      component: 'KubeflashFlashDialog', resources: [this], modalWidth: '720px', componentProps: { mode: 'config' },
    });
  }
}
