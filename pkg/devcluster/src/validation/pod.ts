/**
 * Pod templates as kube-apiserver defaults and validates them (pkg/apis/core/v1/defaults.go and
 * pkg/apis/core/validation of kubernetes/kubernetes): the defaults every PodSpec gets
 * (SetDefaults_PodSpec, SetDefaults_Container, volume modes, probes, ports, ResourceList rounding)
 * and the commonly hit rules of ValidatePodTemplateSpec (containers, names, images, policies,
 * ports, env names, volumes and mounts, resources), with kube-apiserver's field paths and texts.
 * Not every PodSpec rule is here (affinity, topology spread, security contexts in depth, DRA...);
 * what is checked is checked like kube-apiserver does.
 */
import type { StatusCause } from '../errors';
import { DNS_LABEL, DNS_LABEL_MESSAGE, validateLabels } from '../meta';
import { duplicate, forbidden, invalid, notFound, notSupported, required } from '../schema/field-errors';
import { canonicalQuantity, QuantityError, roundUpToMilli } from '../typed/quantity';

type Obj = Record<string, unknown>;

function isMap(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function maps(v: unknown): Obj[] {
  return Array.isArray(v) ? v.filter(isMap) : [];
}

const REPOSITORY = /^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;

/** The tag parsers.ParseImageName finds: "latest" when there is neither tag nor digest, "" when the reference does not parse. */
export function imageTag(image: string): string {
  let rest = image;
  let digest = '';
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return '';
  }
  let tag = '';
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return '';
  }
  if (!rest || rest.length > 255 || !REPOSITORY.test(rest)) return '';
  return tag || (digest ? '' : 'latest');
}

function containerDefaults(c: Obj): void {
  if (!c.imagePullPolicy) c.imagePullPolicy = imageTag(typeof c.image === 'string' ? c.image : '') === 'latest' ? 'Always' : 'IfNotPresent';
  if (!c.terminationMessagePath) c.terminationMessagePath = '/dev/termination-log';
  if (!c.terminationMessagePolicy) c.terminationMessagePolicy = 'File';
  for (const p of maps(c.ports)) p.protocol ||= 'TCP';
  for (const e of maps(c.env)) {
    const fieldRef = isMap(e.valueFrom) ? e.valueFrom.fieldRef : undefined;
    if (isMap(fieldRef)) fieldRef.apiVersion ||= 'v1';
  }
  for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) {
    if (!isMap(probe)) continue;
    probe.timeoutSeconds ||= 1;
    probe.periodSeconds ||= 10;
    probe.successThreshold ||= 1;
    probe.failureThreshold ||= 3;
    if (isMap(probe.httpGet)) {
      probe.httpGet.path ||= '/';
      probe.httpGet.scheme ||= 'HTTP';
    }
    if (isMap(probe.grpc) && probe.grpc.service === undefined) probe.grpc.service = '';
  }
  if (isMap(c.resources)) {
    for (const key of ['limits', 'requests'] as const) {
      const list = c.resources[key];
      if (isMap(list)) for (const [name, q] of Object.entries(list)) if (typeof q === 'string') list[name] = roundUpToMilli(q);
    }
  }
}

const VOLUME_SOURCES = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs', 'persistentVolumeClaim', 'rbd',
  'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile', 'configMap', 'vsphereVolume', 'quobyte', 'azureDisk',
  'photonPersistentDisk', 'projected', 'portworxVolume', 'scaleIO', 'storageos', 'csi', 'ephemeral', 'image',
];

function volumeDefaults(v: Obj): void {
  if (!VOLUME_SOURCES.some((s) => v[s] !== undefined && v[s] !== null)) v.emptyDir = {};
  for (const source of ['secret', 'configMap', 'downwardAPI', 'projected']) {
    const s = v[source];
    if (isMap(s) && s.defaultMode === undefined) s.defaultMode = 420;
  }
  if (isMap(v.projected)) {
    for (const p of maps(v.projected.sources)) {
      if (isMap(p.serviceAccountToken) && p.serviceAccountToken.expirationSeconds === undefined) p.serviceAccountToken.expirationSeconds = 3600;
    }
  }
  if (isMap(v.hostPath) && v.hostPath.type === undefined) v.hostPath.type = '';
}

/** SetDefaults_PodSpec and the defaults of everything in it. */
export function podSpecDefaults(spec: Obj): void {
  spec.dnsPolicy ||= 'ClusterFirst';
  spec.restartPolicy ||= 'Always';
  if (!isMap(spec.securityContext)) spec.securityContext = {};
  if (spec.terminationGracePeriodSeconds === undefined || spec.terminationGracePeriodSeconds === null) spec.terminationGracePeriodSeconds = 30;
  spec.schedulerName ||= 'default-scheduler';
  for (const c of [...maps(spec.containers), ...maps(spec.initContainers)]) containerDefaults(c);
  for (const v of maps(spec.volumes)) volumeDefaults(v);
}

/** Defaults of a PodTemplateSpec (its spec is a Go struct, so always present). */
export function podTemplateDefaults(template: Obj): void {
  if (!isMap(template.spec)) template.spec = {};
  podSpecDefaults(template.spec as Obj);
}

function dnsLabel(value: string, path: string): StatusCause[] {
  if (value.length > 63) return [invalid(path, value, 'must be no more than 63 characters')];
  return DNS_LABEL.test(value) ? [] : [invalid(path, value, DNS_LABEL_MESSAGE)];
}

function oneOf(value: unknown, path: string, allowed: string[]): StatusCause[] {
  if (value === '' || value === undefined || value === null) return [required(path)];
  return allowed.includes(String(value)) ? [] : [notSupported(path, value, allowed)];
}

const PORT_RANGE = 'must be between 1 and 65535, inclusive';
const PORT_NAME_MESSAGE = 'must contain at least one letter (a-z)';

function validatePorts(ports: Obj[], path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const at = `${path}[${i}]`;
    if (typeof p.name === 'string' && p.name) {
      if (p.name.length > 15) causes.push(invalid(`${at}.name`, p.name, 'must be no more than 15 characters'));
      if (!/^[-a-z0-9]+$/.test(p.name)) causes.push(invalid(`${at}.name`, p.name, "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"));
      if (!/[a-z]/.test(p.name)) causes.push(invalid(`${at}.name`, p.name, PORT_NAME_MESSAGE));
      if (p.name.includes('--')) causes.push(invalid(`${at}.name`, p.name, "must not contain consecutive hyphens"));
      if (/^-|-$/.test(p.name)) causes.push(invalid(`${at}.name`, p.name, "must not begin or end with a hyphen"));
      if (names.has(p.name)) causes.push(duplicate(`${at}.name`, p.name));
      names.add(p.name);
    }
    const port = typeof p.containerPort === 'number' ? p.containerPort : 0;
    if (port === 0) causes.push(required(`${at}.containerPort`));
    else if (port < 1 || port > 65535) causes.push(invalid(`${at}.containerPort`, port, PORT_RANGE));
    if (typeof p.hostPort === 'number' && p.hostPort !== 0 && (p.hostPort < 1 || p.hostPort > 65535)) causes.push(invalid(`${at}.hostPort`, p.hostPort, PORT_RANGE));
    causes.push(...oneOf(p.protocol, `${at}.protocol`, ['SCTP', 'TCP', 'UDP']));
  });
  return causes;
}

const ENV_NAME_MESSAGE = "a valid environment variable name must consist only of printable ASCII characters other than '='";

function validateEnv(env: Obj[], path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  env.forEach((e, i) => {
    const name = typeof e.name === 'string' ? e.name : '';
    if (!name) causes.push(required(`${path}[${i}].name`));
    else if ([...name].some((ch) => ch === '=' || ch.charCodeAt(0) < 32 || ch.charCodeAt(0) > 126)) causes.push(invalid(`${path}[${i}].name`, name, ENV_NAME_MESSAGE));
    if (isMap(e.valueFrom)) {
      const sources = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef', 'fileKeyRef'].filter((s) => isMap((e.valueFrom as Obj)[s]));
      if (sources.length === 0) causes.push(invalid(`${path}[${i}].valueFrom`, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
      else if (typeof e.value === 'string' && e.value) causes.push(invalid(`${path}[${i}].valueFrom`, '', 'may not be specified when `value` is not empty'));
      else if (sources.length > 1) causes.push(invalid(`${path}[${i}].valueFrom`, '', 'may not have more than one field specified at a time'));
      for (const ref of ['configMapKeyRef', 'secretKeyRef'] as const) {
        const r = (e.valueFrom as Obj)[ref];
        if (!isMap(r)) continue;
        if (!r.key) causes.push(required(`${path}[${i}].valueFrom.${ref}.key`));
        if (!r.name) causes.push(required(`${path}[${i}].valueFrom.${ref}.name`));
      }
    }
  });
  return causes;
}

function validateResources(resources: unknown, path: string): StatusCause[] {
  if (!isMap(resources)) return [];
  const causes: StatusCause[] = [];
  for (const key of ['limits', 'requests'] as const) {
    const list = resources[key];
    if (!isMap(list)) continue;
    for (const [name, q] of Object.entries(list)) {
      const at = `${path}.${key}[${name}]`;
      try {
        if (typeof q === 'string' && q.startsWith('-') && canonicalQuantity(q) !== '0') causes.push(invalid(at, q, 'must be greater than or equal to 0'));
      } catch (err) {
        if (!(err instanceof QuantityError)) throw err;
      }
    }
  }
  const limits = isMap(resources.limits) ? resources.limits : {};
  const requests = isMap(resources.requests) ? resources.requests : {};
  for (const [name, request] of Object.entries(requests)) {
    const limit = limits[name];
    if (typeof limit === 'string' && typeof request === 'string' && compareQuantities(request, limit) > 0) {
      causes.push(invalid(`${path}.requests[${name}]`, request, `must be less than or equal to ${name} limit of ${limit}`));
    }
  }
  return causes;
}

function compareQuantities(a: string, b: string): number {
  const value = (q: string) => {
    const m = /^([+-]?[0-9.]+)(.*)$/.exec(q);
    if (!m) return 0;
    const mult: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
    const e = /^[eE]([-+]?\d+)$/.exec(m[2]);
    return Number(m[1]) * (e ? 10 ** Number(e[1]) : (mult[m[2]] ?? 1));
  };
  return Math.sign(value(a) - value(b));
}

function validateVolumes(volumes: Obj[], path: string): { causes: StatusCause[]; names: Set<string> } {
  const causes: StatusCause[] = [];
  const names = new Set<string>();
  volumes.forEach((v, i) => {
    const at = `${path}[${i}]`;
    const name = typeof v.name === 'string' ? v.name : '';
    if (!name) causes.push(required(`${at}.name`));
    else causes.push(...dnsLabel(name, `${at}.name`));
    if (name && names.has(name)) causes.push(duplicate(`${at}.name`, name));
    if (name) names.add(name);
    const sources = VOLUME_SOURCES.filter((s) => v[s] !== undefined && v[s] !== null);
    if (sources.length === 0) causes.push(required(at, 'must specify a volume type'));
    else if (sources.length > 1) causes.push(forbidden(`${at}.${sources[1]}`, `may not specify more than 1 volume type`));
    if (isMap(v.secret) && v.secret.secretName === '') causes.push(required(`${at}.secret.secretName`));
    if (isMap(v.configMap) && !v.configMap.name) causes.push(required(`${at}.configMap.name`));
    if (isMap(v.persistentVolumeClaim) && !v.persistentVolumeClaim.claimName) causes.push(required(`${at}.persistentVolumeClaim.claimName`));
  });
  return { causes, names };
}

function validateMounts(mounts: Obj[], volumes: Set<string>, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const paths = new Set<string>();
  mounts.forEach((m, i) => {
    const at = `${path}[${i}]`;
    const name = typeof m.name === 'string' ? m.name : '';
    if (!name) causes.push(required(`${at}.name`));
    else if (!volumes.has(name)) causes.push(notFound(`${at}.name`, name));
    const mountPath = typeof m.mountPath === 'string' ? m.mountPath : '';
    if (!mountPath) causes.push(required(`${at}.mountPath`));
    else if (paths.has(mountPath)) causes.push(invalid(`${at}.mountPath`, mountPath, 'must be unique'));
    paths.add(mountPath);
    if (typeof m.subPath === 'string' && m.subPath) {
      if (m.subPath.startsWith('/')) causes.push(invalid(`${at}.subPath`, m.subPath, 'must be a relative path'));
      else if (m.subPath.split('/').includes('..')) causes.push(invalid(`${at}.subPath`, m.subPath, "must not contain '..'"));
    }
  });
  return causes;
}

function validateContainers(containers: Obj[], volumes: Set<string>, path: string, names: Set<string>, init: boolean): StatusCause[] {
  const causes: StatusCause[] = [];
  containers.forEach((c, i) => {
    const at = `${path}[${i}]`;
    const name = typeof c.name === 'string' ? c.name : '';
    if (!name) causes.push(required(`${at}.name`));
    else causes.push(...dnsLabel(name, `${at}.name`));
    if (!c.image) causes.push(required(`${at}.image`));
    causes.push(...oneOf(c.terminationMessagePolicy, `${at}.terminationMessagePolicy`, ['File', 'FallbackToLogsOnError']));
    causes.push(...validatePorts(maps(c.ports), `${at}.ports`));
    causes.push(...validateEnv(maps(c.env), `${at}.env`));
    causes.push(...validateMounts(maps(c.volumeMounts), volumes, `${at}.volumeMounts`));
    causes.push(...oneOf(c.imagePullPolicy, `${at}.imagePullPolicy`, ['Always', 'IfNotPresent', 'Never']));
    causes.push(...validateResources(c.resources, `${at}.resources`));
    if (name && names.has(name)) causes.push(duplicate(`${at}.name`, name));
    if (name) names.add(name);
    if (!init) {
      if (c.restartPolicy !== undefined && c.restartPolicy !== null) causes.push(forbidden(`${at}.restartPolicy`, 'may not be set for non-init containers'));
    }
  });
  return causes;
}

/** The PodSpec rules of ValidatePodSpec devcluster checks. */
export function validatePodSpec(spec: Obj, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  if (spec.terminationGracePeriodSeconds === undefined || spec.terminationGracePeriodSeconds === null) causes.push(required(`${path}.terminationGracePeriodSeconds`));
  const { causes: volumeCauses, names: volumes } = validateVolumes(maps(spec.volumes), `${path}.volumes`);
  causes.push(...volumeCauses);
  const containers = maps(spec.containers);
  const names = new Set<string>();
  if (containers.length === 0) causes.push(required(`${path}.containers`));
  else causes.push(...validateContainers(containers, volumes, `${path}.containers`, names, false));
  causes.push(...validateContainers(maps(spec.initContainers), volumes, `${path}.initContainers`, names, true));
  causes.push(...oneOf(spec.restartPolicy, `${path}.restartPolicy`, ['Always', 'OnFailure', 'Never']));
  causes.push(...oneOf(spec.dnsPolicy, `${path}.dnsPolicy`, ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None']));
  if (isMap(spec.nodeSelector)) causes.push(...validateLabels(spec.nodeSelector as Record<string, string>, `${path}.nodeSelector`));
  if (typeof spec.serviceAccountName === 'string' && spec.serviceAccountName) {
    const problems = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(spec.serviceAccountName) && spec.serviceAccountName.length <= 253 ? [] : ['a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')'];
    for (const msg of problems) causes.push(invalid(`${path}.serviceAccountName`, spec.serviceAccountName, msg));
  }
  if (typeof spec.activeDeadlineSeconds === 'number' && (spec.activeDeadlineSeconds < 1 || spec.activeDeadlineSeconds > 2147483647)) {
    causes.push(invalid(`${path}.activeDeadlineSeconds`, spec.activeDeadlineSeconds, 'must be between 1 and 2147483647, inclusive'));
  }
  for (const key of ['hostname', 'subdomain'] as const) {
    const v = spec[key];
    if (typeof v === 'string' && v) causes.push(...dnsLabel(v, `${path}.${key}`));
  }
  return causes;
}

/** ValidatePodTemplateSpec: template labels and annotations, then the PodSpec. */
export function validatePodTemplateSpec(template: Obj, path: string): StatusCause[] {
  const meta = isMap(template.metadata) ? template.metadata : {};
  const causes = validateLabels(meta.labels as Record<string, string> | undefined, `${path}.labels`);
  causes.push(...validatePodSpec(isMap(template.spec) ? template.spec : {}, `${path}.spec`));
  if (maps((template.spec as Obj | undefined)?.ephemeralContainers).length) causes.push(forbidden(`${path}.spec.ephemeralContainers`, 'ephemeral containers not allowed in pod template'));
  return causes;
}
