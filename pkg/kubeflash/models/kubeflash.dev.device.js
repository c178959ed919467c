import KubeflashModel from '../plugins/kubeflash-class.js';
import { KUBEFLASH, CORE } from '../types/kubeflash';
import { isConfigReady, isFlashable, onlineRank } from '../utils/badges';
import { base64ToBytes } from '../utils/artifact-server';
import { flashScript } from '../utils/firmware-files';

/** A new Device as the create form starts it. */
export const DEFAULT_DEVICE = {
  deviceClassRef:    { name: '' },
  devicesClusterRef: { name: '' },
  config:            { values: {}, secretRefs: [] },
};

/** Key of config.bin in the device's config Secret. */
export const CONFIG_BIN_KEY = 'config.bin';

/** One ESP32 board: downloads of its config and flash script, USB flashing. */
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
    );

    return out;
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
    const secret = await this.kfFindSibling(CORE.SECRET, this.configSecretName);
    const b64 = secret?.data?.[CONFIG_BIN_KEY];

    if (!b64) {
      throw new Error(this.t('kubeflash.errors.noConfigSecret', { name: this.metadata.name }));
    }

    return base64ToBytes(b64);
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
      deviceClass, cluster, firmware, configPartition: partition,
    };
  }

  async downloadConfig() {
    try {
      await this.kfSave(`${ this.metadata.name }-config.bin`, await this.fetchConfigBin());
    } catch (err) {
      this.kfError('kubeflash.actions.downloadConfig', err);
    }
  }

  /** Builds the flash script; with secrets it embeds config.bin, without it reads the Secret with kubectl. */
  async buildFlashScript(withSecrets) {
    const ctx = await this.fetchFlashContext();
    const baseUrl = ctx.cluster?.spec?.artifacts?.publicBaseUrl;

    if (!baseUrl) {
      throw new Error(this.t('kubeflash.errors.noArtifactUrl', { name: this.spec.devicesClusterRef?.name }));
    }
    let configBinBase64;

    if (withSecrets) {
      const secret = await this.kfFindSibling(CORE.SECRET, this.configSecretName);

      configBinBase64 = secret?.data?.[CONFIG_BIN_KEY];
      if (!configBinBase64) {
        throw new Error(this.t('kubeflash.errors.noConfigSecret', { name: this.metadata.name }));
      }
    }

    return flashScript({
      device:   { name: this.metadata.name, namespace: this.metadata.namespace },
      chip:     ctx.deviceClass.spec.chip,
      firmware: {
        name: ctx.firmware.metadata.name, version: ctx.firmware.spec.version, artifacts: ctx.firmware.status.artifacts
      },
      artifactBaseUrl:  baseUrl,
      configOffset:     ctx.configPartition.offset,
      configSecretName: this.configSecretName,
      configBinBase64,
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
