import SteveModel from '@shell/plugins/steve/steve-class';
import { downloadFile } from '@shell/utils/download';
import { proxiedArtifactUrl } from '../utils/artifact-server';
import { findCondition } from '../utils/badges';
import { jsonPatchOps, kubernetesObjectUrl } from '../utils/json-patch';
import { KUBEFLASH_RESOURCES } from '../types/kubeflash';

/**
 * Base of every kubeflash model: the spec a new object starts with, store look-ups in the same namespace,
 * downloads, conditions, growls. A model sets `static defaultSpec` to the spec its create form starts from.
 */
export default class KubeflashModel extends SteveModel {
  /** Gives a new object (no spec yet) a copy of its model's default spec. */
  applyDefaults() {
    if (!this.spec && this.constructor.defaultSpec) {
      this.spec = JSON.parse(JSON.stringify(this.constructor.defaultSpec));
    }
  }

  /** The condition of `type` in status.conditions, if any. */
  kfCondition(type) {
    return findCondition(this.status?.conditions, type);
  }

  /** An object of `type` named `name` in this object's namespace (from the cluster store, fetched if needed). */
  async kfFindSibling(type, name) {
    if (!name) {
      return undefined;
    }

    return this.$dispatch('find', { type, id: `${ this.metadata.namespace }/${ name }` });
  }

  /** Every object of `type` in this object's namespace. */
  async kfAllInNamespace(type) {
    const all = await this.$dispatch('findAll', { type });

    return (all || []).filter((o) => o.metadata?.namespace === this.metadata.namespace);
  }

  /** Bytes of a firmware file, through Rancher's proxy to the artifact server. */
  async kfFetchArtifact(firmwareName, file) {
    const clusterId = this.$rootGetters['clusterId'];
    const res = await this.$dispatch('request', {
      url: proxiedArtifactUrl(clusterId, this.metadata.namespace, firmwareName, file), method: 'GET', responseType: 'arraybuffer',
    });
    const data = res?.data ?? res;

    return new Uint8Array(data);
  }

  /**
   * Asks the operator for something through a spec field (spec.rebootRequest, spec.credentials.rotate,
   * spec.firmware.buildRequest, a Rollout's spec.paused ...): `change(spec, stamp)` edits a copy of the spec
   * (`stamp` is the current time), and only what changed is sent, as a JSON Patch without resourceVersion
   * through Rancher's Kubernetes proxy: the operator's status writes in between cannot make it fail with a
   * conflict. Returns the stamp.
   */
  async kfRequest(change) {
    const stamp = new Date().toISOString();
    const spec = JSON.parse(JSON.stringify(this.spec || {}));

    change(spec, stamp);
    const ops = jsonPatchOps(this.spec, spec, '/spec');

    if (ops.length > 0) {
      const url = kubernetesObjectUrl(this.$rootGetters['clusterId'], KUBEFLASH_RESOURCES[this.type] || Object.values(KUBEFLASH_RESOURCES).find((r) => r.kind === this.kind), this.metadata.namespace, this.metadata.name);

      await this.patch(ops, { url });
      this.spec = spec;
    }

    return stamp;
  }

  /**
   * Asks before doing something that cannot be undone, with the shell's GenericPrompt: l10n keys of its title
   * and body (given this object's `name`), the AsyncButton mode of the apply button (`asyncButton.<mode>` in
   * l10n), and what runs on apply.
   */
  kfConfirm(titleKey, bodyKey, mode, apply) {
    const args = { name: this.metadata.name };

    this.$dispatch('promptModal', {
      component:      'GenericPrompt',
      resources:      [this],
      componentProps: {
        title:       this.t(titleKey, args),
        body:        this.t(bodyKey, args),
        applyMode:   mode,
        applyAction: async(buttonDone) => {
          await apply();
          buttonDone(true);
        },
      },
    });
  }

  /** Saves `content` as a file in the browser. */
  kfSave(fileName, content, contentType = 'application/octet-stream') {
    return downloadFile(fileName, content, contentType);
  }

  /** Shows an error growl with an l10n title and the message. */
  kfError(titleKey, err, args = {}) {
    this.$dispatch('growl/error', { title: this.t(titleKey, args), message: err?.message || String(err || '') }, { root: true });
  }
}
