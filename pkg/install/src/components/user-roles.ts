// ClusterRoles for the people who use kubeflash, to bind per namespace (RoleBinding) or cluster-wide, or to
// reference from Rancher project/cluster role templates. kubeflash-admin and kubeflash-viewer carry the
// aggregation labels, so Kubernetes' admin/edit/view roles include them.
import { Type } from '@sinclair/typebox';
import { GROUP, KIND_DEFINITIONS } from '@kubeflash/api';
import { DEVICE_CONFIG_ACCESS_NAME, UserRole } from '../names';
import { isSet, when, type Node } from '../template/expr';
import { GrantScope, type Component, type OperatorGrant, type PolicyRule } from './component';
import { labels } from './labels';

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'update', 'patch', 'delete', 'deletecollection'];
const ALL_KINDS = KIND_DEFINITIONS.map((d) => d.names.plural);
const kubeflash = (resources: string[], verbs: string[]): PolicyRule => ({ apiGroups: [GROUP], resources, verbs });
const core = (resources: string[], verbs: string[]): PolicyRule => ({ apiGroups: [''], resources, verbs });

/** What each role may do, and the rules that say it (the single source of the roles table in the docs). */
export const USER_ROLES: readonly { name: UserRole; summary: string; aggregateTo: string[]; rules: PolicyRule[] }[] = [
  {
    name: UserRole.Admin,
    summary: 'everything kubeflash: all six kinds, their status (read), the Secrets config layers reference and the config Secrets, Events',
    aggregateTo: ['admin', 'edit'],
    rules: [
      kubeflash(ALL_KINDS, [...READ, ...WRITE]),
      kubeflash(ALL_KINDS.map((k) => `${k}/status`), READ),
      core(['secrets'], [...READ, 'create', 'update', 'patch', 'delete']),
      core(['events'], READ),
    ],
  },
  {
    name: UserRole.ClusterManager,
    summary: 'creates and manages DevicesClusters and the broker/storage Secrets they reference; reads DeviceClasses',
    aggregateTo: [],
    rules: [
      kubeflash(['devicesclusters'], [...READ, ...WRITE]),
      kubeflash(['devicesclusters/status'], READ),
      kubeflash(['deviceclasses'], READ),
      core(['secrets'], [...READ, 'create', 'update', 'patch', 'delete']),
      core(['events'], READ),
    ],
  },
  {
    name: UserRole.DeviceManager,
    summary:
      'creates and manages Devices and DeviceGroups, creates, pauses, approves and aborts Rollouts; reads DeviceClasses, DevicesClusters and Firmware, and the config Secrets of the Devices ' +
      `(through the Role ${DEVICE_CONFIG_ACCESS_NAME} the operator keeps in each namespace); no other Secrets and no DevicesCluster writes`,
    aggregateTo: [],
    rules: [
      kubeflash(['devices', 'devicegroups'], [...READ, ...WRITE]),
      kubeflash(['devices/status', 'devicegroups/status'], READ),
      kubeflash(['deviceclasses', 'devicesclusters', 'firmwares'], READ),
      // patch/update: the UI's Pause, Resume, Approve and Abort set spec fields of the Rollout.
      kubeflash(['rollouts'], [...READ, 'create', 'patch', 'update']),
      core(['events'], READ),
    ],
  },
  {
    name: UserRole.Viewer,
    summary: 'reads every kubeflash object and Event; no Secrets',
    aggregateTo: ['view'],
    rules: [kubeflash(ALL_KINDS, READ), kubeflash(ALL_KINDS.map((k) => `${k}/status`), READ), core(['events'], READ)],
  },
];

const rbacValues = Type.Object(
  {
    userRoles: Type.Boolean({ description: `Install the user ClusterRoles (${Object.values(UserRole).join(', ')}).`, default: true }),
    aggregateToDefaultRoles: Type.Boolean({
      description: 'Aggregate kubeflash-admin into the admin and edit ClusterRoles and kubeflash-viewer into view.',
      default: true,
    }),
  },
  { description: 'Roles for the people using kubeflash.', additionalProperties: false },
);

function roleLabels(aggregateTo: string[]): Node {
  const out: { [key: string]: Node } = { ...labels('rbac') };
  for (const target of aggregateTo) out[`rbac.authorization.k8s.io/aggregate-to-${target}`] = when(isSet('rbac.aggregateToDefaultRoles'), 'true');
  return out;
}

const RBAC_GROUP = 'rbac.authorization.k8s.io';

/**
 * What the operator needs to keep, in each watched namespace, the Role and RoleBinding that let the subjects
 * bound to kubeflash-device-manager read exactly the config Secrets (Secrets cannot be granted by label).
 */
const deviceConfigAccessGrants: OperatorGrant[] = [
  { scope: GrantScope.Watched, rule: { apiGroups: [RBAC_GROUP], resources: ['rolebindings'], verbs: ['list', 'watch'] }, reason: `who is bound to ${UserRole.DeviceManager} (mirrored into the ${DEVICE_CONFIG_ACCESS_NAME} RoleBinding)` },
  { scope: GrantScope.Watched, rule: { apiGroups: [RBAC_GROUP], resources: ['roles', 'rolebindings'], verbs: ['create'] }, reason: `the ${DEVICE_CONFIG_ACCESS_NAME} Role and RoleBinding (create cannot be limited by name)` },
  { scope: GrantScope.Watched, rule: { apiGroups: [RBAC_GROUP], resources: ['roles'], verbs: ['get', 'update'], resourceNames: [DEVICE_CONFIG_ACCESS_NAME] }, reason: 'the config Secret names in the Role' },
  { scope: GrantScope.Watched, rule: { apiGroups: [RBAC_GROUP], resources: ['rolebindings'], verbs: ['update'], resourceNames: [DEVICE_CONFIG_ACCESS_NAME] }, reason: 'the device managers in the RoleBinding' },
  {
    scope: GrantScope.Watched,
    rule: { apiGroups: [''], resources: ['secrets'], verbs: ['get'] },
    reason: `lets the operator write the ${DEVICE_CONFIG_ACCESS_NAME} Role (a Role may only grant what its author holds); it already lists and watches these Secrets`,
    escalationCover: true,
  },
];

/** The four user ClusterRoles. */
export const userRolesComponent: Component = {
  name: 'user-roles',
  title: 'ClusterRoles for people: kubeflash-admin, -cluster-manager, -device-manager, -viewer.',
  values: { rbac: rbacValues },
  operatorGrants: deviceConfigAccessGrants,
  documents: () =>
    USER_ROLES.map((role) => ({
      when: isSet('rbac.userRoles'),
      object: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: role.name, labels: roleLabels(role.aggregateTo), annotations: { 'kubeflash.dev/summary': role.summary } },
        rules: role.rules.map((r) => ({ ...r })),
      },
    })),
};
