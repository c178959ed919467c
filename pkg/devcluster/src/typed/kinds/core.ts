/**
 * The Go types of core/v1 as the Kubernetes API reference defines them (field names and JSON
 * tags in struct order, omitempty, pointers, list types and keys, atomic structs), for devcluster's
 * typed decoding, encoding and managedFields. Written from k8s.io/api and k8s.io/apimachinery
 * v1.36; keep in step with the API reference when a field is added.
 */
import { atomicList, bool, bytes, f, int32, int64, intOrString, lazy, mapList, mapOf, microTime, ptr, quantity, req, setList, str, struct, time, type StructType } from '../types';
import { Condition, LabelSelector, ObjectMeta } from './meta';

export const ConfigMap: StructType = struct('ConfigMap', [
  f('kind', str),
  f('apiVersion', str),
  f('metadata', lazy(() => ObjectMeta)),
  ptr('immutable', bool),
  f('data', mapOf(str)),
  f('binaryData', mapOf(bytes)),
]);

export const Secret: StructType = struct('Secret', [
  f('kind', str),
  f('apiVersion', str),
  f('metadata', lazy(() => ObjectMeta)),
  ptr('immutable', bool),
  f('data', mapOf(bytes)),
  f('stringData', mapOf(str)),
  f('type', str),
]);

export const ServiceAccount: StructType = struct('ServiceAccount', [
  f('kind', str),
  f('apiVersion', str),
  f('metadata', lazy(() => ObjectMeta)),
  f('secrets', mapList(lazy(() => ObjectReference), ['name'])),
  f('imagePullSecrets', atomicList(lazy(() => LocalObjectReference))),
  ptr('automountServiceAccountToken', bool),
]);

export const Namespace: StructType = struct('Namespace', [
  f('kind', str),
  f('apiVersion', str),
  f('metadata', lazy(() => ObjectMeta)),
  f('spec', lazy(() => NamespaceSpec)),
  f('status', lazy(() => NamespaceStatus)),
]);

export const Event: StructType = struct('Event', [
  f('kind', str),
  f('apiVersion', str),
  req('metadata', lazy(() => ObjectMeta)),
  req('involvedObject', lazy(() => ObjectReference)),
  f('reason', str),
  f('message', str),
  f('source', lazy(() => EventSource)),
  f('firstTimestamp', time),
  f('lastTimestamp', time),
  f('count', int32),
  f('type', str),
  f('eventTime', microTime),
  ptr('series', lazy(() => EventSeries)),
  f('action', str),
  ptr('related', lazy(() => ObjectReference)),
  req('reportingComponent', str),
  req('reportingInstance', str),
]);

export const Pod: StructType = struct('Pod', [
  f('kind', str),
  f('apiVersion', str),
  f('metadata', lazy(() => ObjectMeta)),
  f('spec', lazy(() => PodSpec)),
  f('status', lazy(() => PodStatus)),
]);

export const Service: StructType = struct('Service', [
  f('kind', str),
  f('apiVersion', str),
  f('metadata', lazy(() => ObjectMeta)),
  f('spec', lazy(() => ServiceSpec)),
  f('status', lazy(() => ServiceStatus)),
]);

export const PodTemplateSpec: StructType = struct('PodTemplateSpec', [
  f('metadata', lazy(() => ObjectMeta)),
  f('spec', lazy(() => PodSpec)),
]);

export const ObjectReference: StructType = struct('ObjectReference', [
  f('kind', str),
  f('namespace', str),
  f('name', str),
  f('uid', str),
  f('apiVersion', str),
  f('resourceVersion', str),
  f('fieldPath', str),
], { atomic: true });

export const LocalObjectReference: StructType = struct('LocalObjectReference', [
  f('name', str),
], { atomic: true });

export const NamespaceSpec: StructType = struct('NamespaceSpec', [
  f('finalizers', atomicList(str)),
]);

export const NamespaceStatus: StructType = struct('NamespaceStatus', [
  f('phase', str),
  f('conditions', mapList(lazy(() => NamespaceCondition), ['type'])),
]);

export const EventSource: StructType = struct('EventSource', [
  f('component', str),
  f('host', str),
]);

export const EventSeries: StructType = struct('EventSeries', [
  f('count', int32),
  f('lastObservedTime', microTime),
]);

export const PodSpec: StructType = struct('PodSpec', [
  f('volumes', mapList(lazy(() => Volume), ['name'])),
  f('initContainers', mapList(lazy(() => Container), ['name'])),
  req('containers', mapList(lazy(() => Container), ['name'])),
  f('ephemeralContainers', mapList(lazy(() => EphemeralContainer), ['name'])),
  f('restartPolicy', str),
  ptr('terminationGracePeriodSeconds', int64),
  ptr('activeDeadlineSeconds', int64),
  f('dnsPolicy', str),
  f('nodeSelector', mapOf(str, { atomic: true })),
  f('serviceAccountName', str),
  f('serviceAccount', str),
  ptr('automountServiceAccountToken', bool),
  f('nodeName', str),
  f('hostNetwork', bool),
  f('hostPID', bool),
  f('hostIPC', bool),
  ptr('shareProcessNamespace', bool),
  ptr('securityContext', lazy(() => PodSecurityContext)),
  f('imagePullSecrets', mapList(lazy(() => LocalObjectReference), ['name'])),
  f('hostname', str),
  f('subdomain', str),
  ptr('affinity', lazy(() => Affinity)),
  f('schedulerName', str),
  f('tolerations', atomicList(lazy(() => Toleration))),
  f('hostAliases', mapList(lazy(() => HostAlias), ['ip'])),
  f('priorityClassName', str),
  ptr('priority', int32),
  ptr('dnsConfig', lazy(() => PodDNSConfig)),
  f('readinessGates', atomicList(lazy(() => PodReadinessGate))),
  ptr('runtimeClassName', str),
  ptr('enableServiceLinks', bool),
  ptr('preemptionPolicy', str),
  f('overhead', mapOf(quantity)),
  f('topologySpreadConstraints', mapList(lazy(() => TopologySpreadConstraint), ['topologyKey', 'whenUnsatisfiable'])),
  ptr('setHostnameAsFQDN', bool),
  ptr('os', lazy(() => PodOS)),
  ptr('hostUsers', bool),
  f('schedulingGates', mapList(lazy(() => PodSchedulingGate), ['name'])),
  f('resourceClaims', mapList(lazy(() => PodResourceClaim), ['name'])),
  ptr('resources', lazy(() => ResourceRequirements)),
  ptr('hostnameOverride', str),
  ptr('schedulingGroup', lazy(() => PodSchedulingGroup)),
  f('evictionResponders', mapList(lazy(() => EvictionResponder), ['name'])),
]);

export const PodStatus: StructType = struct('PodStatus', [
  f('observedGeneration', int64),
  f('phase', str),
  f('conditions', mapList(lazy(() => PodCondition), ['type'])),
  f('message', str),
  f('reason', str),
  f('nominatedNodeName', str),
  f('hostIP', str),
  f('hostIPs', atomicList(lazy(() => HostIP))),
  f('podIP', str),
  f('podIPs', mapList(lazy(() => PodIP), ['ip'])),
  ptr('startTime', time),
  f('initContainerStatuses', atomicList(lazy(() => ContainerStatus))),
  f('containerStatuses', atomicList(lazy(() => ContainerStatus))),
  f('qosClass', str),
  f('ephemeralContainerStatuses', atomicList(lazy(() => ContainerStatus))),
  f('resize', str),
  f('resourceClaimStatuses', mapList(lazy(() => PodResourceClaimStatus), ['name'])),
  ptr('extendedResourceClaimStatus', lazy(() => PodExtendedResourceClaimStatus)),
  f('allocatedResources', mapOf(quantity)),
  ptr('resources', lazy(() => ResourceRequirements)),
  f('nodeAllocatableResourceClaimStatuses', mapList(lazy(() => NodeAllocatableResourceClaimStatus), ['resourceClaimName'])),
  f('volumeHealth', mapList(lazy(() => PodVolumeHealth), ['name'])),
]);

export const ServiceSpec: StructType = struct('ServiceSpec', [
  f('ports', mapList(lazy(() => ServicePort), ['port', 'protocol'])),
  f('selector', mapOf(str, { atomic: true })),
  f('clusterIP', str),
  f('clusterIPs', atomicList(str)),
  f('type', str),
  f('externalIPs', atomicList(str)),
  f('sessionAffinity', str),
  f('loadBalancerIP', str),
  f('loadBalancerSourceRanges', atomicList(str)),
  f('externalName', str),
  f('externalTrafficPolicy', str),
  f('healthCheckNodePort', int32),
  f('publishNotReadyAddresses', bool),
  ptr('sessionAffinityConfig', lazy(() => SessionAffinityConfig)),
  f('ipFamilies', atomicList(str)),
  ptr('ipFamilyPolicy', str),
  ptr('allocateLoadBalancerNodePorts', bool),
  ptr('loadBalancerClass', str),
  ptr('internalTrafficPolicy', str),
  ptr('trafficDistribution', str),
]);

export const ServiceStatus: StructType = struct('ServiceStatus', [
  f('loadBalancer', lazy(() => LoadBalancerStatus)),
  f('conditions', mapList(lazy(() => Condition), ['type'])),
]);

export const NamespaceCondition: StructType = struct('NamespaceCondition', [
  req('type', str),
  req('status', str),
  f('lastTransitionTime', time),
  f('reason', str),
  f('message', str),
]);

export const Volume: StructType = struct('Volume', [
  req('name', str),
  ptr('hostPath', lazy(() => HostPathVolumeSource)),
  ptr('emptyDir', lazy(() => EmptyDirVolumeSource)),
  ptr('gcePersistentDisk', lazy(() => GCEPersistentDiskVolumeSource)),
  ptr('awsElasticBlockStore', lazy(() => AWSElasticBlockStoreVolumeSource)),
  ptr('gitRepo', lazy(() => GitRepoVolumeSource)),
  ptr('secret', lazy(() => SecretVolumeSource)),
  ptr('nfs', lazy(() => NFSVolumeSource)),
  ptr('iscsi', lazy(() => ISCSIVolumeSource)),
  ptr('glusterfs', lazy(() => GlusterfsVolumeSource)),
  ptr('persistentVolumeClaim', lazy(() => PersistentVolumeClaimVolumeSource)),
  ptr('rbd', lazy(() => RBDVolumeSource)),
  ptr('flexVolume', lazy(() => FlexVolumeSource)),
  ptr('cinder', lazy(() => CinderVolumeSource)),
  ptr('cephfs', lazy(() => CephFSVolumeSource)),
  ptr('flocker', lazy(() => FlockerVolumeSource)),
  ptr('downwardAPI', lazy(() => DownwardAPIVolumeSource)),
  ptr('fc', lazy(() => FCVolumeSource)),
  ptr('azureFile', lazy(() => AzureFileVolumeSource)),
  ptr('configMap', lazy(() => ConfigMapVolumeSource)),
  ptr('vsphereVolume', lazy(() => VsphereVirtualDiskVolumeSource)),
  ptr('quobyte', lazy(() => QuobyteVolumeSource)),
  ptr('azureDisk', lazy(() => AzureDiskVolumeSource)),
  ptr('photonPersistentDisk', lazy(() => PhotonPersistentDiskVolumeSource)),
  ptr('projected', lazy(() => ProjectedVolumeSource)),
  ptr('portworxVolume', lazy(() => PortworxVolumeSource)),
  ptr('scaleIO', lazy(() => ScaleIOVolumeSource)),
  ptr('storageos', lazy(() => StorageOSVolumeSource)),
  ptr('csi', lazy(() => CSIVolumeSource)),
  ptr('ephemeral', lazy(() => EphemeralVolumeSource)),
  ptr('image', lazy(() => ImageVolumeSource)),
]);

export const Container: StructType = struct('Container', [
  req('name', str),
  f('image', str),
  f('command', atomicList(str)),
  f('args', atomicList(str)),
  f('workingDir', str),
  f('ports', mapList(lazy(() => ContainerPort), ['containerPort', 'protocol'])),
  f('envFrom', atomicList(lazy(() => EnvFromSource))),
  f('env', mapList(lazy(() => EnvVar), ['name'])),
  f('resources', lazy(() => ResourceRequirements)),
  f('resizePolicy', atomicList(lazy(() => ContainerResizePolicy))),
  ptr('restartPolicy', str),
  f('restartPolicyRules', atomicList(lazy(() => ContainerRestartRule))),
  f('volumeMounts', mapList(lazy(() => VolumeMount), ['mountPath'])),
  f('volumeDevices', mapList(lazy(() => VolumeDevice), ['devicePath'])),
  ptr('livenessProbe', lazy(() => Probe)),
  ptr('readinessProbe', lazy(() => Probe)),
  ptr('startupProbe', lazy(() => Probe)),
  ptr('lifecycle', lazy(() => Lifecycle)),
  f('terminationMessagePath', str),
  f('terminationMessagePolicy', str),
  f('imagePullPolicy', str),
  ptr('securityContext', lazy(() => SecurityContext)),
  f('stdin', bool),
  f('stdinOnce', bool),
  f('tty', bool),
]);

export const EphemeralContainer: StructType = struct('EphemeralContainer', [
  req('name', str),
  f('image', str),
  f('command', atomicList(str)),
  f('args', atomicList(str)),
  f('workingDir', str),
  f('ports', mapList(lazy(() => ContainerPort), ['containerPort', 'protocol'])),
  f('envFrom', atomicList(lazy(() => EnvFromSource))),
  f('env', mapList(lazy(() => EnvVar), ['name'])),
  f('resources', lazy(() => ResourceRequirements)),
  f('resizePolicy', atomicList(lazy(() => ContainerResizePolicy))),
  ptr('restartPolicy', str),
  f('restartPolicyRules', atomicList(lazy(() => ContainerRestartRule))),
  f('volumeMounts', mapList(lazy(() => VolumeMount), ['mountPath'])),
  f('volumeDevices', mapList(lazy(() => VolumeDevice), ['devicePath'])),
  ptr('livenessProbe', lazy(() => Probe)),
  ptr('readinessProbe', lazy(() => Probe)),
  ptr('startupProbe', lazy(() => Probe)),
  ptr('lifecycle', lazy(() => Lifecycle)),
  f('terminationMessagePath', str),
  f('terminationMessagePolicy', str),
  f('imagePullPolicy', str),
  ptr('securityContext', lazy(() => SecurityContext)),
  f('stdin', bool),
  f('stdinOnce', bool),
  f('tty', bool),
  f('targetContainerName', str),
]);

export const PodSecurityContext: StructType = struct('PodSecurityContext', [
  ptr('seLinuxOptions', lazy(() => SELinuxOptions)),
  ptr('windowsOptions', lazy(() => WindowsSecurityContextOptions)),
  ptr('runAsUser', int64),
  ptr('runAsGroup', int64),
  ptr('runAsNonRoot', bool),
  f('supplementalGroups', atomicList(int64)),
  ptr('supplementalGroupsPolicy', str),
  ptr('fsGroup', int64),
  f('sysctls', atomicList(lazy(() => Sysctl))),
  ptr('fsGroupChangePolicy', str),
  ptr('seccompProfile', lazy(() => SeccompProfile)),
  ptr('appArmorProfile', lazy(() => AppArmorProfile)),
  ptr('seLinuxChangePolicy', str),
]);

export const Affinity: StructType = struct('Affinity', [
  ptr('nodeAffinity', lazy(() => NodeAffinity)),
  ptr('podAffinity', lazy(() => PodAffinity)),
  ptr('podAntiAffinity', lazy(() => PodAntiAffinity)),
]);

export const Toleration: StructType = struct('Toleration', [
  f('key', str),
  f('operator', str),
  f('value', str),
  f('effect', str),
  ptr('tolerationSeconds', int64),
]);

export const HostAlias: StructType = struct('HostAlias', [
  req('ip', str),
  f('hostnames', atomicList(str)),
]);

export const PodDNSConfig: StructType = struct('PodDNSConfig', [
  f('nameservers', atomicList(str)),
  f('searches', atomicList(str)),
  f('options', atomicList(lazy(() => PodDNSConfigOption))),
]);

export const PodReadinessGate: StructType = struct('PodReadinessGate', [
  req('conditionType', str),
]);

export const TopologySpreadConstraint: StructType = struct('TopologySpreadConstraint', [
  req('maxSkew', int32),
  req('topologyKey', str),
  req('whenUnsatisfiable', str),
  ptr('labelSelector', lazy(() => LabelSelector)),
  ptr('minDomains', int32),
  ptr('nodeAffinityPolicy', str),
  ptr('nodeTaintsPolicy', str),
  f('matchLabelKeys', atomicList(str)),
]);

export const PodOS: StructType = struct('PodOS', [
  req('name', str),
]);

export const PodSchedulingGate: StructType = struct('PodSchedulingGate', [
  req('name', str),
]);

export const PodResourceClaim: StructType = struct('PodResourceClaim', [
  req('name', str),
  ptr('resourceClaimName', str),
  ptr('resourceClaimTemplateName', str),
]);

export const ResourceRequirements: StructType = struct('ResourceRequirements', [
  f('limits', mapOf(quantity)),
  f('requests', mapOf(quantity)),
  f('claims', mapList(lazy(() => ResourceClaim), ['name'])),
]);

export const PodSchedulingGroup: StructType = struct('PodSchedulingGroup', [
  ptr('podGroupName', str),
]);

export const EvictionResponder: StructType = struct('EvictionResponder', [
  req('name', str),
  f('priority', int32, { omitempty: false, pointer: true }),
], { atomic: true });

export const PodCondition: StructType = struct('PodCondition', [
  req('type', str),
  f('observedGeneration', int64),
  req('status', str),
  f('lastProbeTime', time),
  f('lastTransitionTime', time),
  f('reason', str),
  f('message', str),
]);

export const HostIP: StructType = struct('HostIP', [
  req('ip', str),
]);

export const PodIP: StructType = struct('PodIP', [
  req('ip', str),
]);

export const ContainerStatus: StructType = struct('ContainerStatus', [
  req('name', str),
  f('state', lazy(() => ContainerState)),
  f('lastState', lazy(() => ContainerState)),
  req('ready', bool),
  req('restartCount', int32),
  req('image', str),
  req('imageID', str),
  f('containerID', str),
  ptr('started', bool),
  f('allocatedResources', mapOf(quantity)),
  ptr('resources', lazy(() => ResourceRequirements)),
  f('volumeMounts', mapList(lazy(() => VolumeMountStatus), ['mountPath'])),
  ptr('user', lazy(() => ContainerUser)),
  f('allocatedResourcesStatus', mapList(lazy(() => ResourceStatus), ['name'])),
  ptr('stopSignal', str),
]);

export const PodResourceClaimStatus: StructType = struct('PodResourceClaimStatus', [
  req('name', str),
  ptr('resourceClaimName', str),
]);

export const PodExtendedResourceClaimStatus: StructType = struct('PodExtendedResourceClaimStatus', [
  req('requestMappings', atomicList(lazy(() => ContainerExtendedResourceRequest))),
  req('resourceClaimName', str),
]);

export const NodeAllocatableResourceClaimStatus: StructType = struct('NodeAllocatableResourceClaimStatus', [
  req('resourceClaimName', str),
  f('containers', setList(str)),
  f('mapping', mapList(lazy(() => NodeAllocatableMappedResources), ['name'])),
  f('overhead', mapList(lazy(() => NodeAllocatableOverheadResources), ['name'])),
]);

export const PodVolumeHealth: StructType = struct('PodVolumeHealth', [
  req('name', str),
  f('healthConditions', mapList(lazy(() => VolumeHealthCondition), ['status', 'reason'])),
  f('lastTransitionTime', time),
]);

export const ServicePort: StructType = struct('ServicePort', [
  f('name', str),
  f('protocol', str),
  ptr('appProtocol', str),
  req('port', int32),
  f('targetPort', intOrString),
  f('nodePort', int32),
]);

export const SessionAffinityConfig: StructType = struct('SessionAffinityConfig', [
  ptr('clientIP', lazy(() => ClientIPConfig)),
]);

export const LoadBalancerStatus: StructType = struct('LoadBalancerStatus', [
  f('ingress', atomicList(lazy(() => LoadBalancerIngress))),
]);

export const HostPathVolumeSource: StructType = struct('HostPathVolumeSource', [
  req('path', str),
  ptr('type', str),
]);

export const EmptyDirVolumeSource: StructType = struct('EmptyDirVolumeSource', [
  f('medium', str),
  ptr('sizeLimit', quantity),
  ptr('mode', int32),
]);

export const GCEPersistentDiskVolumeSource: StructType = struct('GCEPersistentDiskVolumeSource', [
  req('pdName', str),
  f('fsType', str),
  f('partition', int32),
  f('readOnly', bool),
]);

export const AWSElasticBlockStoreVolumeSource: StructType = struct('AWSElasticBlockStoreVolumeSource', [
  req('volumeID', str),
  f('fsType', str),
  f('partition', int32),
  f('readOnly', bool),
]);

export const GitRepoVolumeSource: StructType = struct('GitRepoVolumeSource', [
  req('repository', str),
  f('revision', str),
  f('directory', str),
]);

export const SecretVolumeSource: StructType = struct('SecretVolumeSource', [
  f('secretName', str),
  f('items', atomicList(lazy(() => KeyToPath))),
  ptr('defaultMode', int32),
  ptr('optional', bool),
  ptr('defaultUser', int64),
]);

export const NFSVolumeSource: StructType = struct('NFSVolumeSource', [
  req('server', str),
  req('path', str),
  f('readOnly', bool),
]);

export const ISCSIVolumeSource: StructType = struct('ISCSIVolumeSource', [
  req('targetPortal', str),
  req('iqn', str),
  req('lun', int32),
  f('iscsiInterface', str),
  f('fsType', str),
  f('readOnly', bool),
  f('portals', atomicList(str)),
  f('chapAuthDiscovery', bool),
  f('chapAuthSession', bool),
  ptr('secretRef', lazy(() => LocalObjectReference)),
  ptr('initiatorName', str),
]);

export const GlusterfsVolumeSource: StructType = struct('GlusterfsVolumeSource', [
  req('endpoints', str),
  req('path', str),
  f('readOnly', bool),
]);

export const PersistentVolumeClaimVolumeSource: StructType = struct('PersistentVolumeClaimVolumeSource', [
  req('claimName', str),
  f('readOnly', bool),
]);

export const RBDVolumeSource: StructType = struct('RBDVolumeSource', [
  req('monitors', atomicList(str)),
  req('image', str),
  f('fsType', str),
  f('pool', str),
  f('user', str),
  f('keyring', str),
  ptr('secretRef', lazy(() => LocalObjectReference)),
  f('readOnly', bool),
]);

export const FlexVolumeSource: StructType = struct('FlexVolumeSource', [
  req('driver', str),
  f('fsType', str),
  ptr('secretRef', lazy(() => LocalObjectReference)),
  f('readOnly', bool),
  f('options', mapOf(str)),
]);

export const CinderVolumeSource: StructType = struct('CinderVolumeSource', [
  req('volumeID', str),
  f('fsType', str),
  f('readOnly', bool),
  ptr('secretRef', lazy(() => LocalObjectReference)),
]);

export const CephFSVolumeSource: StructType = struct('CephFSVolumeSource', [
  req('monitors', atomicList(str)),
  f('path', str),
  f('user', str),
  f('secretFile', str),
  ptr('secretRef', lazy(() => LocalObjectReference)),
  f('readOnly', bool),
]);

export const FlockerVolumeSource: StructType = struct('FlockerVolumeSource', [
  f('datasetName', str),
  f('datasetUUID', str),
]);

export const DownwardAPIVolumeSource: StructType = struct('DownwardAPIVolumeSource', [
  f('items', atomicList(lazy(() => DownwardAPIVolumeFile))),
  ptr('defaultMode', int32),
  ptr('defaultUser', int64),
]);

export const FCVolumeSource: StructType = struct('FCVolumeSource', [
  f('targetWWNs', atomicList(str)),
  ptr('lun', int32),
  f('fsType', str),
  f('readOnly', bool),
  f('wwids', atomicList(str)),
]);

export const AzureFileVolumeSource: StructType = struct('AzureFileVolumeSource', [
  req('secretName', str),
  req('shareName', str),
  f('readOnly', bool),
]);

export const ConfigMapVolumeSource: StructType = struct('ConfigMapVolumeSource', [
  f('name', str),
  f('items', atomicList(lazy(() => KeyToPath))),
  ptr('defaultMode', int32),
  ptr('optional', bool),
  ptr('defaultUser', int64),
]);

export const VsphereVirtualDiskVolumeSource: StructType = struct('VsphereVirtualDiskVolumeSource', [
  req('volumePath', str),
  f('fsType', str),
  f('storagePolicyName', str),
  f('storagePolicyID', str),
]);

export const QuobyteVolumeSource: StructType = struct('QuobyteVolumeSource', [
  req('registry', str),
  req('volume', str),
  f('readOnly', bool),
  f('user', str),
  f('group', str),
  f('tenant', str),
]);

export const AzureDiskVolumeSource: StructType = struct('AzureDiskVolumeSource', [
  req('diskName', str),
  req('diskURI', str),
  ptr('cachingMode', str),
  ptr('fsType', str),
  ptr('readOnly', bool),
  ptr('kind', str),
]);

export const PhotonPersistentDiskVolumeSource: StructType = struct('PhotonPersistentDiskVolumeSource', [
  req('pdID', str),
  f('fsType', str),
]);

export const ProjectedVolumeSource: StructType = struct('ProjectedVolumeSource', [
  req('sources', atomicList(lazy(() => VolumeProjection))),
  ptr('defaultMode', int32),
  ptr('defaultUser', int64),
]);

export const PortworxVolumeSource: StructType = struct('PortworxVolumeSource', [
  req('volumeID', str),
  f('fsType', str),
  f('readOnly', bool),
]);

export const ScaleIOVolumeSource: StructType = struct('ScaleIOVolumeSource', [
  req('gateway', str),
  req('system', str),
  f('secretRef', lazy(() => LocalObjectReference), { omitempty: false, pointer: true }),
  f('sslEnabled', bool),
  f('protectionDomain', str),
  f('storagePool', str),
  f('storageMode', str),
  f('volumeName', str),
  f('fsType', str),
  f('readOnly', bool),
]);

export const StorageOSVolumeSource: StructType = struct('StorageOSVolumeSource', [
  f('volumeName', str),
  f('volumeNamespace', str),
  f('fsType', str),
  f('readOnly', bool),
  ptr('secretRef', lazy(() => LocalObjectReference)),
]);

export const CSIVolumeSource: StructType = struct('CSIVolumeSource', [
  req('driver', str),
  ptr('readOnly', bool),
  ptr('fsType', str),
  f('volumeAttributes', mapOf(str)),
  ptr('nodePublishSecretRef', lazy(() => LocalObjectReference)),
]);

export const EphemeralVolumeSource: StructType = struct('EphemeralVolumeSource', [
  ptr('volumeClaimTemplate', lazy(() => PersistentVolumeClaimTemplate)),
]);

export const ImageVolumeSource: StructType = struct('ImageVolumeSource', [
  f('reference', str),
  f('pullPolicy', str),
]);

export const ContainerPort: StructType = struct('ContainerPort', [
  f('name', str),
  f('hostPort', int32),
  req('containerPort', int32),
  f('protocol', str),
  f('hostIP', str),
]);

export const EnvFromSource: StructType = struct('EnvFromSource', [
  f('prefix', str),
  ptr('configMapRef', lazy(() => ConfigMapEnvSource)),
  ptr('secretRef', lazy(() => SecretEnvSource)),
]);

export const EnvVar: StructType = struct('EnvVar', [
  req('name', str),
  f('value', str),
  ptr('valueFrom', lazy(() => EnvVarSource)),
]);

export const ContainerResizePolicy: StructType = struct('ContainerResizePolicy', [
  req('resourceName', str),
  req('restartPolicy', str),
]);

export const ContainerRestartRule: StructType = struct('ContainerRestartRule', [
  f('action', str),
  ptr('exitCodes', lazy(() => ContainerRestartRuleOnExitCodes)),
]);

export const VolumeMount: StructType = struct('VolumeMount', [
  req('name', str),
  f('readOnly', bool),
  ptr('recursiveReadOnly', str),
  req('mountPath', str),
  f('subPath', str),
  ptr('mountPropagation', str),
  f('subPathExpr', str),
  f('bindMountOptions', setList(str)),
]);

export const VolumeDevice: StructType = struct('VolumeDevice', [
  req('name', str),
  req('devicePath', str),
]);

export const Probe: StructType = struct('Probe', [
  ptr('exec', lazy(() => ExecAction)),
  ptr('httpGet', lazy(() => HTTPGetAction)),
  ptr('tcpSocket', lazy(() => TCPSocketAction)),
  ptr('grpc', lazy(() => GRPCAction)),
  f('initialDelaySeconds', int32),
  f('timeoutSeconds', int32),
  f('periodSeconds', int32),
  f('successThreshold', int32),
  f('failureThreshold', int32),
  ptr('terminationGracePeriodSeconds', int64),
]);

export const Lifecycle: StructType = struct('Lifecycle', [
  ptr('postStart', lazy(() => LifecycleHandler)),
  ptr('preStop', lazy(() => LifecycleHandler)),
  ptr('stopSignal', str),
]);

export const SecurityContext: StructType = struct('SecurityContext', [
  ptr('capabilities', lazy(() => Capabilities)),
  ptr('privileged', bool),
  ptr('seLinuxOptions', lazy(() => SELinuxOptions)),
  ptr('windowsOptions', lazy(() => WindowsSecurityContextOptions)),
  ptr('runAsUser', int64),
  ptr('runAsGroup', int64),
  ptr('runAsNonRoot', bool),
  ptr('readOnlyRootFilesystem', bool),
  ptr('allowPrivilegeEscalation', bool),
  ptr('procMount', str),
  ptr('seccompProfile', lazy(() => SeccompProfile)),
  ptr('appArmorProfile', lazy(() => AppArmorProfile)),
]);

export const SELinuxOptions: StructType = struct('SELinuxOptions', [
  f('user', str),
  f('role', str),
  f('type', str),
  f('level', str),
]);

export const WindowsSecurityContextOptions: StructType = struct('WindowsSecurityContextOptions', [
  ptr('gmsaCredentialSpecName', str),
  ptr('gmsaCredentialSpec', str),
  ptr('runAsUserName', str),
  ptr('hostProcess', bool),
]);

export const Sysctl: StructType = struct('Sysctl', [
  req('name', str),
  req('value', str),
]);

export const SeccompProfile: StructType = struct('SeccompProfile', [
  req('type', str),
  ptr('localhostProfile', str),
]);

export const AppArmorProfile: StructType = struct('AppArmorProfile', [
  req('type', str),
  ptr('localhostProfile', str),
]);

export const NodeAffinity: StructType = struct('NodeAffinity', [
  ptr('requiredDuringSchedulingIgnoredDuringExecution', lazy(() => NodeSelector)),
  f('preferredDuringSchedulingIgnoredDuringExecution', atomicList(lazy(() => PreferredSchedulingTerm))),
]);

export const PodAffinity: StructType = struct('PodAffinity', [
  f('requiredDuringSchedulingIgnoredDuringExecution', atomicList(lazy(() => PodAffinityTerm))),
  f('preferredDuringSchedulingIgnoredDuringExecution', atomicList(lazy(() => WeightedPodAffinityTerm))),
]);

export const PodAntiAffinity: StructType = struct('PodAntiAffinity', [
  f('requiredDuringSchedulingIgnoredDuringExecution', atomicList(lazy(() => PodAffinityTerm))),
  f('preferredDuringSchedulingIgnoredDuringExecution', atomicList(lazy(() => WeightedPodAffinityTerm))),
]);

export const PodDNSConfigOption: StructType = struct('PodDNSConfigOption', [
  f('name', str),
  ptr('value', str),
]);

export const ResourceClaim: StructType = struct('ResourceClaim', [
  req('name', str),
  f('request', str),
]);

export const ContainerState: StructType = struct('ContainerState', [
  ptr('waiting', lazy(() => ContainerStateWaiting)),
  ptr('running', lazy(() => ContainerStateRunning)),
  ptr('terminated', lazy(() => ContainerStateTerminated)),
]);

export const VolumeMountStatus: StructType = struct('VolumeMountStatus', [
  req('name', str),
  req('mountPath', str),
  f('readOnly', bool),
  ptr('recursiveReadOnly', str),
  ptr('volumeStatus', lazy(() => VolumeStatus)),
]);

export const ContainerUser: StructType = struct('ContainerUser', [
  ptr('linux', lazy(() => LinuxContainerUser)),
]);

export const ResourceStatus: StructType = struct('ResourceStatus', [
  req('name', str),
  f('resources', mapList(lazy(() => ResourceHealth), ['resourceID'])),
]);

export const ContainerExtendedResourceRequest: StructType = struct('ContainerExtendedResourceRequest', [
  req('containerName', str),
  req('resourceName', str),
  req('requestName', str),
]);

export const NodeAllocatableMappedResources: StructType = struct('NodeAllocatableMappedResources', [
  req('name', str),
  f('quantity', quantity, { omitempty: false, pointer: true }),
]);

export const NodeAllocatableOverheadResources: StructType = struct('NodeAllocatableOverheadResources', [
  req('name', str),
  ptr('perPod', quantity),
  ptr('perContainer', quantity),
]);

export const VolumeHealthCondition: StructType = struct('VolumeHealthCondition', [
  req('status', str),
  req('reason', str),
  f('message', str),
]);

export const ClientIPConfig: StructType = struct('ClientIPConfig', [
  ptr('timeoutSeconds', int32),
]);

export const LoadBalancerIngress: StructType = struct('LoadBalancerIngress', [
  f('ip', str),
  f('hostname', str),
  ptr('ipMode', str),
  f('ports', atomicList(lazy(() => PortStatus))),
]);

export const KeyToPath: StructType = struct('KeyToPath', [
  req('key', str),
  req('path', str),
  ptr('mode', int32),
  ptr('user', int64),
]);

export const DownwardAPIVolumeFile: StructType = struct('DownwardAPIVolumeFile', [
  req('path', str),
  ptr('fieldRef', lazy(() => ObjectFieldSelector)),
  ptr('resourceFieldRef', lazy(() => ResourceFieldSelector)),
  ptr('mode', int32),
  ptr('user', int64),
]);

export const VolumeProjection: StructType = struct('VolumeProjection', [
  ptr('secret', lazy(() => SecretProjection)),
  ptr('downwardAPI', lazy(() => DownwardAPIProjection)),
  ptr('configMap', lazy(() => ConfigMapProjection)),
  ptr('serviceAccountToken', lazy(() => ServiceAccountTokenProjection)),
  ptr('clusterTrustBundle', lazy(() => ClusterTrustBundleProjection)),
  ptr('podCertificate', lazy(() => PodCertificateProjection)),
]);

export const PersistentVolumeClaimTemplate: StructType = struct('PersistentVolumeClaimTemplate', [
  f('metadata', lazy(() => ObjectMeta)),
  req('spec', lazy(() => PersistentVolumeClaimSpec)),
]);

export const ConfigMapEnvSource: StructType = struct('ConfigMapEnvSource', [
  f('name', str),
  ptr('optional', bool),
]);

export const SecretEnvSource: StructType = struct('SecretEnvSource', [
  f('name', str),
  ptr('optional', bool),
]);

export const EnvVarSource: StructType = struct('EnvVarSource', [
  ptr('fieldRef', lazy(() => ObjectFieldSelector)),
  ptr('resourceFieldRef', lazy(() => ResourceFieldSelector)),
  ptr('configMapKeyRef', lazy(() => ConfigMapKeySelector)),
  ptr('secretKeyRef', lazy(() => SecretKeySelector)),
  ptr('fileKeyRef', lazy(() => FileKeySelector)),
]);

export const ContainerRestartRuleOnExitCodes: StructType = struct('ContainerRestartRuleOnExitCodes', [
  f('operator', str),
  f('values', setList(int32)),
]);

export const ExecAction: StructType = struct('ExecAction', [
  f('command', atomicList(str)),
]);

export const HTTPGetAction: StructType = struct('HTTPGetAction', [
  f('path', str),
  req('port', intOrString),
  f('host', str),
  f('scheme', str),
  f('httpHeaders', atomicList(lazy(() => HTTPHeader))),
  ptr('protocol', str),
]);

export const TCPSocketAction: StructType = struct('TCPSocketAction', [
  req('port', intOrString),
  f('host', str),
]);

export const GRPCAction: StructType = struct('GRPCAction', [
  req('port', int32),
  f('service', str, { omitempty: false, pointer: true }),
  ptr('mode', str),
]);

export const LifecycleHandler: StructType = struct('LifecycleHandler', [
  ptr('exec', lazy(() => ExecAction)),
  ptr('httpGet', lazy(() => HTTPGetAction)),
  ptr('tcpSocket', lazy(() => TCPSocketAction)),
  ptr('sleep', lazy(() => SleepAction)),
]);

export const Capabilities: StructType = struct('Capabilities', [
  f('add', atomicList(str)),
  f('drop', atomicList(str)),
]);

export const NodeSelector: StructType = struct('NodeSelector', [
  req('nodeSelectorTerms', atomicList(lazy(() => NodeSelectorTerm))),
], { atomic: true });

export const PreferredSchedulingTerm: StructType = struct('PreferredSchedulingTerm', [
  req('weight', int32),
  req('preference', lazy(() => NodeSelectorTerm)),
]);

export const PodAffinityTerm: StructType = struct('PodAffinityTerm', [
  ptr('labelSelector', lazy(() => LabelSelector)),
  f('namespaces', atomicList(str)),
  req('topologyKey', str),
  ptr('namespaceSelector', lazy(() => LabelSelector)),
  f('matchLabelKeys', atomicList(str)),
  f('mismatchLabelKeys', atomicList(str)),
]);

export const WeightedPodAffinityTerm: StructType = struct('WeightedPodAffinityTerm', [
  req('weight', int32),
  req('podAffinityTerm', lazy(() => PodAffinityTerm)),
]);

export const ContainerStateWaiting: StructType = struct('ContainerStateWaiting', [
  f('reason', str),
  f('message', str),
]);

export const ContainerStateRunning: StructType = struct('ContainerStateRunning', [
  f('startedAt', time),
]);

export const ContainerStateTerminated: StructType = struct('ContainerStateTerminated', [
  req('exitCode', int32),
  f('signal', int32),
  f('reason', str),
  f('message', str),
  f('startedAt', time),
  f('finishedAt', time),
  f('containerID', str),
]);

export const VolumeStatus: StructType = struct('VolumeStatus', [
  ptr('image', lazy(() => ImageVolumeStatus)),
]);

export const LinuxContainerUser: StructType = struct('LinuxContainerUser', [
  req('uid', int64),
  req('gid', int64),
  f('supplementalGroups', atomicList(int64)),
]);

export const ResourceHealth: StructType = struct('ResourceHealth', [
  req('resourceID', str),
  f('health', str),
  ptr('message', str),
]);

export const PortStatus: StructType = struct('PortStatus', [
  req('port', int32),
  req('protocol', str),
  ptr('error', str),
]);

export const ObjectFieldSelector: StructType = struct('ObjectFieldSelector', [
  f('apiVersion', str),
  req('fieldPath', str),
], { atomic: true });

export const ResourceFieldSelector: StructType = struct('ResourceFieldSelector', [
  f('containerName', str),
  req('resource', str),
  f('divisor', quantity),
], { atomic: true });

export const SecretProjection: StructType = struct('SecretProjection', [
  f('name', str),
  f('items', atomicList(lazy(() => KeyToPath))),
  ptr('optional', bool),
]);

export const DownwardAPIProjection: StructType = struct('DownwardAPIProjection', [
  f('items', atomicList(lazy(() => DownwardAPIVolumeFile))),
]);

export const ConfigMapProjection: StructType = struct('ConfigMapProjection', [
  f('name', str),
  f('items', atomicList(lazy(() => KeyToPath))),
  ptr('optional', bool),
]);

export const ServiceAccountTokenProjection: StructType = struct('ServiceAccountTokenProjection', [
  f('audience', str),
  ptr('expirationSeconds', int64),
  req('path', str),
  ptr('user', int64),
]);

export const ClusterTrustBundleProjection: StructType = struct('ClusterTrustBundleProjection', [
  ptr('name', str),
  ptr('signerName', str),
  ptr('labelSelector', lazy(() => LabelSelector)),
  ptr('optional', bool),
  req('path', str),
  ptr('user', int64),
]);

export const PodCertificateProjection: StructType = struct('PodCertificateProjection', [
  f('signerName', str),
  f('keyType', str),
  ptr('maxExpirationSeconds', int32),
  f('credentialBundlePath', str),
  f('keyPath', str),
  f('certificateChainPath', str),
  f('userAnnotations', mapOf(str)),
  ptr('user', int64),
]);

export const PersistentVolumeClaimSpec: StructType = struct('PersistentVolumeClaimSpec', [
  f('accessModes', atomicList(str)),
  ptr('selector', lazy(() => LabelSelector)),
  f('resources', lazy(() => VolumeResourceRequirements)),
  f('volumeName', str),
  ptr('storageClassName', str),
  ptr('volumeMode', str),
  ptr('dataSource', lazy(() => TypedLocalObjectReference)),
  ptr('dataSourceRef', lazy(() => TypedObjectReference)),
  ptr('volumeAttributesClassName', str),
]);

export const ConfigMapKeySelector: StructType = struct('ConfigMapKeySelector', [
  f('name', str),
  req('key', str),
  ptr('optional', bool),
], { atomic: true });

export const SecretKeySelector: StructType = struct('SecretKeySelector', [
  f('name', str),
  req('key', str),
  ptr('optional', bool),
], { atomic: true });

export const FileKeySelector: StructType = struct('FileKeySelector', [
  req('volumeName', str),
  req('path', str),
  req('key', str),
  ptr('optional', bool),
], { atomic: true });

export const HTTPHeader: StructType = struct('HTTPHeader', [
  req('name', str),
  req('value', str),
]);

export const SleepAction: StructType = struct('SleepAction', [
  req('seconds', int64),
]);

export const NodeSelectorTerm: StructType = struct('NodeSelectorTerm', [
  f('matchExpressions', atomicList(lazy(() => NodeSelectorRequirement))),
  f('matchFields', atomicList(lazy(() => NodeSelectorRequirement))),
], { atomic: true });

export const ImageVolumeStatus: StructType = struct('ImageVolumeStatus', [
  f('imageRef', str),
]);

export const VolumeResourceRequirements: StructType = struct('VolumeResourceRequirements', [
  f('limits', mapOf(quantity)),
  f('requests', mapOf(quantity)),
]);

export const TypedLocalObjectReference: StructType = struct('TypedLocalObjectReference', [
  f('apiGroup', str, { omitempty: false, pointer: true }),
  req('kind', str),
  req('name', str),
], { atomic: true });

export const TypedObjectReference: StructType = struct('TypedObjectReference', [
  f('apiGroup', str, { omitempty: false, pointer: true }),
  req('kind', str),
  req('name', str),
  ptr('namespace', str),
]);

export const NodeSelectorRequirement: StructType = struct('NodeSelectorRequirement', [
  req('key', str),
  req('operator', str),
  f('values', atomicList(str)),
]);
