import Device from '../models/kubeflash.dev.device.js';
import { downloadFile } from '@shell/utils/download';
import { actionsByName, fixture, makeModel, patchRecorder } from './helpers';
import { bytesToBase64 } from '../utils/artifact-server';

jest.mock('@shell/utils/download', () => ({ downloadFile: jest.fn(() => Promise.resolve()) }));

/** A binary partition table with nvs, otadata, config and app entries. */
function partitionTable(withKeys = false): Uint8Array {
  const out = new Uint8Array(3072).fill(0xff);
  const view = new DataView(out.buffer);
  const entries: [string, number, number, number, number][] = [
    ['nvs', 1, 2, 0x9000, 0x5000], ['otadata', 1, 0, 0xe000, 0x2000], ['config', 1, 2, 0x3a0000, 0x6000], ['ota_0', 0, 0x10, 0x10000, 0x180000],
    ...(withKeys ? [['nvs_keys', 1, 4, 0x3a6000, 0x1000] as [string, number, number, number, number]] : []),
  ];

  entries.forEach(([label, type, subtype, offset, size], i) => {
    const p = i * 32;

    view.setUint16(p, 0x50aa, true);
    out[p + 2] = type;
    out[p + 3] = subtype;
    view.setUint32(p + 4, offset, true);
    view.setUint32(p + 8, size, true);
    out.fill(0, p + 12, p + 32);
    out.set(new TextEncoder().encode(label), p + 12);
  });

  return out;
}

function fleetStore(withSecret = true, encrypted = false) {
  const f = fixture();
  const configBin = new Uint8Array([0xfc, 0xff, 0xff, 0xff, 1, 2, 3]);
  const nvsKeys = new Uint8Array(4096).fill(0x5a);

  if (encrypted) {
    f.deviceClasses[0].spec.encryption = 'nvs';
  }
  const byId: Record<string, unknown> = {
    'kubeflash.dev.deviceclass:garage/sensor-s3':    f.deviceClasses[0],
    'kubeflash.dev.devicescluster:garage/home':      f.devicesClusters[0],
    'kubeflash.dev.firmware:garage/sensor-s3-1.5.0': f.firmwares[0],
  };

  if (withSecret) {
    byId['secret:garage/sensor-attic-config'] = { data: { 'config.bin': bytesToBase64(configBin), ...(encrypted ? { 'nvs_keys.bin': bytesToBase64(nvsKeys) } : {}) } };
  }
  const requests: any[] = [];

  return {
    f,
    configBin,
    nvsKeys,
    requests,
    fake: {
      byId,
      request: (opt: any) => {
        requests.push(opt);

        return { data: partitionTable(encrypted).buffer };
      },
    },
  };
}

describe('Device model', () => {
  it('offers flashing and downloads only when the config is ready, and the no-secrets script always', () => {
    const f = fixture();
    const ready = actionsByName(makeModel(Device, f.devices[0]).model);
    const notReady = actionsByName(makeModel(Device, f.devices[1]).model);

    for (const name of ['flashUsb', 'reprovisionUsb', 'downloadConfig', 'downloadFlashScript']) {
      expect(ready[name].enabled).toBe(true);
      expect(notReady[name].enabled).toBe(false);
    }
    expect(notReady.downloadFlashScriptNoSecrets.enabled).toBe(true);
    expect(ready.downloadConfig.bulkable).toBe(true);
    expect(ready.flashUsb.label).toBe('%kubeflash.actions.flashUsb%');
  });

  it('downloads config.bin decoded from the device config Secret', async() => {
    const { f, fake, configBin } = fleetStore();
    const { model, dispatch } = makeModel(Device, f.devices[0], fake);

    await model.downloadConfig();

    expect(dispatch).toHaveBeenCalledWith('find', { type: 'secret', id: 'garage/sensor-attic-config' });
    const [name, bytes, type] = (downloadFile as jest.Mock).mock.calls[0];

    expect(name).toBe('sensor-attic-config.bin');
    expect(Array.from(bytes)).toStrictEqual(Array.from(configBin));
    expect(type).toBe('application/octet-stream');
  });

  it('reports a growl instead of downloading when the Secret has no config.bin', async() => {
    const { f, fake } = fleetStore(false);
    const { model, dispatch } = makeModel(Device, f.devices[0], fake);

    await model.downloadConfig();

    expect(downloadFile).not.toHaveBeenCalled();
    expect(dispatch).toHaveBeenCalledWith('growl/error', expect.objectContaining({ message: expect.stringContaining('kubeflash.errors.noConfigSecret') }), { root: true });
  });

  it('builds the flash script from the class firmware, the partition table offset and the embedded config', async() => {
    const {
      f, fake, requests, configBin
    } = fleetStore();
    const { model } = makeModel(Device, f.devices[0], fake);

    await model.downloadFlashScript();

    expect(requests[0].url).toBe('/k8s/clusters/c-m-abc123/api/v1/namespaces/kubeflash-system/services/http:kubeflash-artifacts:8080/proxy/firmware/garage/sensor-s3-1.5.0/partition-table.bin');
    expect(requests[0].responseType).toBe('arraybuffer');
    const [name, script] = (downloadFile as jest.Mock).mock.calls[0];

    expect(name).toBe('flash-sensor-attic.sh');
    expect(script).toMatch(/^#!\/bin\/sh\n# Flashes garage\/sensor-attic \(esp32s3\) with firmware sensor-s3-1.5.0 1.5.0 and its configuration.\n/);
    expect(script).toContain('0x0 "$WORK/bootloader.bin" \\\n  0x8000 "$WORK/partition-table.bin" \\\n  0xe000 "$WORK/ota-data-initial.bin" \\\n  0x10000 "$WORK/app.bin" \\\n  0x3a0000 "$WORK/config.bin"\n');
    expect(script).toContain(bytesToBase64(configBin));
    expect(script).toContain("'https://artifacts.home.example/firmware/garage/sensor-s3-1.5.0/app.bin'");
  });

  it('builds the script without secrets by reading the Secret with kubectl at run time', async() => {
    const { f, fake, configBin } = fleetStore();
    const { model } = makeModel(Device, f.devices[0], fake);

    await model.downloadFlashScriptNoSecrets();
    const [name, script] = (downloadFile as jest.Mock).mock.calls[0];

    expect(name).toBe('flash-sensor-attic-nosecrets.sh');
    expect(script).toContain("kubectl get secret 'sensor-attic-config' -n \"$NAMESPACE\"");
    expect(script).not.toContain(bytesToBase64(configBin));
  });

  it("embeds nvs_keys.bin for a class with NVS encryption and writes it to the table's nvs_keys partition", async() => {
    const { f, fake, nvsKeys } = fleetStore(true, true);
    const { model } = makeModel(Device, f.devices[0], fake);

    await model.downloadFlashScript();
    const [, script] = (downloadFile as jest.Mock).mock.calls[0];

    expect(script).toContain(bytesToBase64(nvsKeys).slice(0, 76));
    expect(script).toContain('0x3a6000 "$WORK/nvs_keys.bin"');
  });

  it('opens the flash dialog in full and config-only mode', () => {
    const f = fixture();
    const { model, dispatch } = makeModel(Device, f.devices[0]);

    model.flashUsb();
    model.reprovisionUsb();

    expect(dispatch.mock.calls[0][0]).toBe('promptModal');
    expect(dispatch.mock.calls[0][1]).toMatchObject({
      component: 'KubeflashFlashDialog', resources: [model], componentProps: { mode: 'full' }
    });
    expect(dispatch.mock.calls[1][1]).toMatchObject({ componentProps: { mode: 'config' } });
  });

  it('reboots an online device by setting spec.rebootRequest; offline devices cannot be rebooted', async() => {
    const f = fixture();
    const recorder = patchRecorder();
    const { model } = makeModel(Device, f.devices[0], { request: recorder.request });
    const offline = actionsByName(makeModel(Device, f.devices[1]).model);

    expect(actionsByName(model).reboot).toMatchObject({
      enabled: true, bulkable: true, label: '%kubeflash.actions.reboot%'
    });
    expect(offline.reboot.enabled).toBe(false);

    await model.reboot();
    await new Promise((resolve) => setTimeout(resolve, 5)); // a new stamp: a second request
    await model.reboot();

    expect(recorder.patches).toHaveLength(2);
    expect(recorder.patches[0]).toStrictEqual({
      method:      'patch',
      url:         '/k8s/clusters/c-m-abc123/apis/kubeflash.dev/v1alpha1/namespaces/garage/devices/sensor-attic',
      contentType: 'application/json-patch+json',
      data:        [{
        op: 'add', path: '/spec/rebootRequest', value: expect.stringMatching(/^\d{4}-\d\d-\d\dT/)
      }]
    });
    expect(recorder.patches[0].data[0].value.length).toBeLessThanOrEqual(63);
    expect(model.spec).toStrictEqual({ ...f.devices[0].spec, rebootRequest: recorder.patches[1].data[0].value });
  });

  it('shows a growl when saving the reboot request fails', async() => {
    const f = fixture();
    const { model, dispatch } = makeModel(Device, f.devices[0], { request: patchRecorder(new Error('devices.kubeflash.dev "sensor-attic" is forbidden')).request });

    await model.reboot();

    expect(dispatch).toHaveBeenCalledWith('growl/error', { title: '%kubeflash.actions.reboot%', message: 'devices.kubeflash.dev "sensor-attic" is forbidden' }, { root: true });
    expect(model.spec).toStrictEqual(f.devices[0].spec);
  });

  it('rotates the credentials only after the prompt is applied, keeping the rest of spec.credentials', async() => {
    const f = fixture();
    const recorder = patchRecorder();
    const { model, dispatch } = makeModel(Device, f.devices[0], { request: recorder.request });

    model.rotateCredentials();
    expect(recorder.patches).toStrictEqual([]);
    const prompt = dispatch.mock.calls.find(([a]) => a === 'promptModal')?.[1];

    expect(prompt).toMatchObject({ component: 'GenericPrompt', componentProps: { applyMode: 'rotate', title: '%kubeflash.device.rotateTitle% {"name":"sensor-attic"}' } });
    await prompt.componentProps.applyAction(jest.fn());

    expect(recorder.patches.map((x) => x.data)).toStrictEqual([[{
      op: 'add', path: '/spec/credentials', value: { rotate: expect.any(String) }
    }]]);
    expect(model.spec).toStrictEqual({ ...f.devices[0].spec, credentials: { ...f.devices[0].spec.credentials, rotate: recorder.patches[0].data[0].value.rotate } });
  });

  it('fills an empty spec with the create defaults', () => {
    const { model } = makeModel(Device, { metadata: { name: 'x', namespace: 'garage' } });

    model.applyDefaults();
    expect(model.spec).toStrictEqual({
      deviceClassRef: { name: '' }, devicesClusterRef: { name: '' }, config: { values: {}, secretRefs: [] }
    });
  });
});
