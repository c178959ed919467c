import type { V1RoleBinding, V1Secret } from '@kubernetes/client-node';
import { desiredDeviceAccess } from './desired';

const owned = (name: string, device?: string): V1Secret => ({
  metadata: { name, namespace: 'garage', labels: { 'app.kubernetes.io/managed-by': 'kubeflash-operator', ...(device ? { 'kubeflash.dev/device': device } : {}) } },
});
const binding = (name: string, role: string, subjects: V1RoleBinding['subjects']): V1RoleBinding => ({
  metadata: { name, namespace: 'garage' },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
  subjects,
});

describe('desiredDeviceAccess', () => {
  it('grants get on exactly the config Secrets of existing Devices, never their credentials or other owned Secrets', () => {
    const access = desiredDeviceAccess({
      namespace: 'garage',
      devices: ['t1', 't2'],
      ownedSecrets: [owned('t2-config', 't2'), owned('t1-config', 't1'), owned('t1-credentials', 't1'), owned('gone-config', 'gone'), owned('kubeflash-firmware-signing-key'), owned('t2-config-copy', 't2')],
      bindings: [],
    });
    expect(access.role.rules).toEqual([{ apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['t1-config', 't2-config'] }]);
    expect(access.needed).toBe(true);
  });

  it('writes no rule at all when there is no config Secret (an empty resourceNames would mean every Secret)', () => {
    const access = desiredDeviceAccess({ namespace: 'garage', devices: ['t1'], ownedSecrets: [], bindings: [binding('b', 'kubeflash-device-manager', [{ kind: 'User', name: 'alice' }])] });
    expect(access.role.rules).toEqual([]);
    expect(access.needed).toBe(true);
    expect(desiredDeviceAccess({ namespace: 'garage', devices: [], ownedSecrets: [], bindings: [] }).needed).toBe(false);
  });

  it('binds every subject of the device-manager bindings once, service accounts with their namespace, and nobody else', () => {
    const access = desiredDeviceAccess({
      namespace: 'garage',
      devices: [],
      ownedSecrets: [],
      bindings: [
        binding('b1', 'kubeflash-device-manager', [{ kind: 'User', name: 'alice' }, { kind: 'ServiceAccount', name: 'ci' }]),
        binding('b2', 'kubeflash-device-manager', [{ kind: 'User', name: 'alice', apiGroup: 'rbac.authorization.k8s.io' }, { kind: 'Group', name: 'techs', apiGroup: 'rbac.authorization.k8s.io' }]),
        binding('b3', 'kubeflash-viewer', [{ kind: 'User', name: 'eve' }]),
        { ...binding('b4', 'kubeflash-device-manager', [{ kind: 'User', name: 'mallory' }]), roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'kubeflash-device-manager' } },
        binding('kubeflash-device-config', 'kubeflash-device-manager', [{ kind: 'User', name: 'stale' }]),
      ],
    });
    expect(access.binding.subjects).toEqual([
      { kind: 'Group', name: 'techs', apiGroup: 'rbac.authorization.k8s.io' },
      { kind: 'ServiceAccount', name: 'ci', namespace: 'garage' },
      { kind: 'User', name: 'alice', apiGroup: 'rbac.authorization.k8s.io' },
    ]);
    expect(access.binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'kubeflash-device-config' });
  });
});
