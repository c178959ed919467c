import { load } from 'js-yaml';
import { DEFAULT_BUILDER_IMAGE } from '@kubeflash/api';
import { InvalidValuesError, installObjects, manifestsYaml, resolveValues, type PlainObject } from './index';
import { format, isSet, mergeMap, v, when } from './template/expr';
import { TemplateError, helmDocument } from './template/helm';
import { evaluateDocuments } from './template/plain';

const find = (objects: PlainObject[], kind: string, name: string) => objects.find((o) => o.kind === kind && (o.metadata as { name: string }).name === name);

describe('install values', () => {
  it.each([
    [{ operator: { logLevel: 'verbose' } }, 'operator.logLevel: must be one of "debug", "info", "warn", "error", got "verbose"'],
    [{ webhooks: { enabled: 'yes' } }, 'webhooks.enabled: must be boolean, got "yes"'],
    [{ monitoring: { grafana: {} } }, 'monitoring.grafana: not a value of this chart'],
    [{ operator: { watchNamespaces: ['a', 'a'] } }, 'operator.watchNamespaces: items must be unique, "a" is there twice'],
    [{ artifacts: { s3: { enabled: true } } }, 'artifacts.s3.bucket: must have at least 1 characters'],
  ])('refuse %j naming the field', (values, message) => {
    expect(() => resolveValues(values)).toThrow(InvalidValuesError);
    expect(() => resolveValues(values)).toThrow(message);
  });
});

it('accepts S3 with a bucket', () => {
  expect(() => resolveValues({ artifacts: { s3: { enabled: true, bucket: 'firmware' } } })).not.toThrow();
});

describe('install objects', () => {
  const objects = installObjects({ namespace: 'kf' });

  it('run the operator non-root, read-only, without privilege escalation, with probes, resources and the token only where needed', () => {
    const deployment = find(objects, 'Deployment', 'kubeflash-operator') as { spec: { replicas: number; template: { spec: Record<string, unknown> & { containers: Record<string, unknown>[] } } } };
    const pod = deployment.spec.template.spec;
    expect(deployment.spec.replicas).toBe(2);
    expect(pod).toMatchObject({ automountServiceAccountToken: true, securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } } });
    expect(pod.containers[0]).toMatchObject({
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
      livenessProbe: { httpGet: { path: '/healthz' } },
      readinessProbe: { httpGet: { path: '/readyz' } },
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
    });
    expect(find(objects, 'ServiceAccount', 'kubeflash-operator')).toMatchObject({ automountServiceAccountToken: false });
    expect(JSON.stringify(pod.affinity)).toContain('podAntiAffinity');
  });

  it('never register the webhooks for kube-system, and fail closed', () => {
    for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) {
      const configuration = find(objects, kind, 'kubeflash') as { webhooks: Record<string, unknown>[] };
      expect(configuration.webhooks[0]).toMatchObject({
        failurePolicy: 'Fail',
        sideEffects: 'None',
        admissionReviewVersions: ['v1'],
        clientConfig: { service: { name: 'kubeflash-operator', namespace: 'kf', port: 443 } },
        namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system'] }] },
      });
    }
  });

  it('give the operator no cluster-wide access to Secrets or kubeflash objects when it watches a list of namespaces', () => {
    const scoped = installObjects({ namespace: 'kf', values: { operator: { watchNamespaces: ['garage'] } } });
    const clusterRules = scoped.filter((o) => o.kind === 'ClusterRole' && String((o.metadata as { name: string }).name).startsWith('kubeflash-operator')).flatMap((o) => o.rules as { resources: string[]; resourceNames?: string[] }[]);
    expect(clusterRules.flatMap((r) => r.resources).sort()).toEqual(['mutatingwebhookconfigurations', 'validatingwebhookconfigurations']);
    expect(clusterRules.every((r) => r.resourceNames?.length === 1)).toBe(true);
    expect(find(scoped, 'Role', 'kubeflash-operator')).toMatchObject({ metadata: { namespace: 'garage' } });
  });

  it('run the artifact service non-root on a PersistentVolumeClaim by default, announcing its in-cluster URL', () => {
    type Pod = { serviceAccountName: string; volumes: Record<string, unknown>[]; containers: { args: string[]; envFrom: unknown[]; securityContext: unknown; volumeMounts: unknown[] }[] };
    const deployment = find(objects, 'Deployment', 'kubeflash-artifacts') as { spec: { replicas: number; template: { spec: Pod } } };
    const pod = deployment.spec.template.spec;
    expect(deployment.spec.replicas).toBe(1);
    expect(pod.serviceAccountName).toBe('kubeflash-artifacts');
    expect(pod.containers[0].args).toEqual([
      'artifacts',
      '--port=8080',
      '--public-url=http://kubeflash-artifacts.kf.svc:8080',
      '--internal-url=http://kubeflash-artifacts.kf.svc:8080',
      '--store=filesystem',
      '--data-dir=/var/lib/kubeflash/artifacts',
      `--builder-image=${DEFAULT_BUILDER_IMAGE}`,
      '--uploader-image=ghcr.io/kubeflash/kubeflash-operator:0.1.0',
      '--build-start-timeout=600',
      '--log-level=info',
      '--log-format=json',
    ]);
    expect(pod.containers[0].envFrom).toBeUndefined();
    expect(pod.containers[0].securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(pod.volumes).toContainEqual({ name: 'data', persistentVolumeClaim: { claimName: 'kubeflash-artifacts' } });
    expect(find(objects, 'PersistentVolumeClaim', 'kubeflash-artifacts')).toMatchObject({ spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } } });
    expect(find(objects, 'Ingress', 'kubeflash-artifacts')).toBeUndefined();
    expect(find(objects, 'ClusterRoleBinding', 'kubeflash-artifacts')).toMatchObject({ subjects: [{ kind: 'ServiceAccount', name: 'kubeflash-artifacts', namespace: 'kf' }] });
  });

  it('store artifacts in S3 with the credentials Secret, behind an Ingress with TLS, and keep their access in the watched namespaces', () => {
    const s3 = installObjects({
      namespace: 'kf',
      values: {
        operator: { watchNamespaces: ['garage'] },
        artifacts: {
          publicUrl: 'https://firmware.home.example.net',
          s3: { enabled: true, bucket: 'kubeflash', endpoint: 'http://minio.storage.svc:9000', credentialsSecret: 'artifacts-s3' },
          ingress: { enabled: true, host: 'firmware.home.example.net', tlsSecretName: 'firmware-tls' },
        },
      },
    });
    const container = (find(s3, 'Deployment', 'kubeflash-artifacts') as { spec: { template: { spec: { volumes: { name: string }[]; containers: { args: string[]; envFrom: unknown[]; volumeMounts: unknown[] }[] } } } }).spec.template.spec;
    expect(container.containers[0].args).toEqual(expect.arrayContaining(['--namespace=garage', '--public-url=https://firmware.home.example.net', '--store=s3', '--s3-bucket=kubeflash', '--s3-endpoint=http://minio.storage.svc:9000', '--s3-region=us-east-1', '--staging-dir=/var/lib/kubeflash/staging']));
    expect(container.containers[0].args.some((a) => a.startsWith('--data-dir') || a.startsWith('--s3-prefix'))).toBe(false);
    expect(container.containers[0].envFrom).toEqual([{ secretRef: { name: 'artifacts-s3' } }]);
    // Uploads are staged on a volume of their own, sized for them: never in the small /tmp, whose overflow evicts the pod.
    expect(container.volumes).toEqual([
      { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
      { name: 'staging', emptyDir: { sizeLimit: '1Gi' } },
    ]);
    expect(container.containers[0].volumeMounts).toEqual([
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'staging', mountPath: '/var/lib/kubeflash/staging' },
    ]);
    expect(find(s3, 'PersistentVolumeClaim', 'kubeflash-artifacts')).toBeUndefined();
    expect(find(s3, 'Ingress', 'kubeflash-artifacts')).toMatchObject({
      spec: {
        tls: [{ hosts: ['firmware.home.example.net'], secretName: 'firmware-tls' }],
        rules: [{ host: 'firmware.home.example.net', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'kubeflash-artifacts', port: { name: 'http' } } } }] } }],
      },
    });
    expect(find(s3, 'ClusterRole', 'kubeflash-artifacts')).toBeUndefined();
    expect(find(s3, 'Role', 'kubeflash-artifacts')).toMatchObject({ metadata: { namespace: 'garage' } });
    expect(installObjects({ namespace: 'kf', values: { artifacts: { enabled: false } } }).filter((o) => JSON.stringify(o.metadata).includes('kubeflash-artifacts'))).toEqual([]);
  });

  it('hold no empty map or list, which server-side apply would count as a change on every apply', () => {
    const empty: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (Array.isArray(node)) {
        if (node.length === 0) empty.push(path);
        node.forEach((n, i) => walk(n, `${path}[${i}]`));
      } else if (node && typeof node === 'object') {
        if (Object.keys(node).length === 0) empty.push(path);
        for (const [k, n] of Object.entries(node)) walk(n, `${path}.${k}`);
      }
    };
    for (const o of objects) walk(o, `${String(o.kind)} ${(o.metadata as { name: string }).name}`);
    expect(empty).toEqual([]);
    const set = installObjects({ namespace: 'kf', values: { operator: { podAnnotations: { a: 'b' }, nodeSelector: { n: 'x' } }, imagePullSecrets: [{ name: 'pull' }] } });
    expect(find(set, 'Deployment', 'kubeflash-operator')).toMatchObject({
      spec: { template: { metadata: { annotations: { a: 'b' } }, spec: { nodeSelector: { n: 'x' }, imagePullSecrets: [{ name: 'pull' }] } } },
    });
  });

  it('print as YAML that reads back to the same objects', () => {
    const yaml = manifestsYaml(objects, 'header line');
    expect(yaml.startsWith('# header line\n---\n')).toBe(true);
    const back = yaml.split(/^---$/m).slice(1).map((d) => load(d));
    expect(back).toEqual(objects);
  });
});

describe('the template writer', () => {
  const kindOf = (path: string) => (path.endsWith('Labels') ? 'object' : path.endsWith('count') ? 'integer' : 'string');

  it('escapes literal {{ so Helm prints it, and quotes strings from values', () => {
    const text = helmDocument({ object: { kind: 'ConfigMap', data: { legend: '{{controller}}', name: v('a.name'), count: v('a.count') } } }, kindOf);
    expect(text).toContain('legend: "{{ "{{" }}controller}}"');
    expect(text).toContain('name: {{ $.Values.a.name | quote }}');
    expect(text).toContain('count: {{ $.Values.a.count }}');
  });

  it('refuses what would render differently in Helm and in plain YAML', () => {
    expect(() => helmDocument({ object: { metadata: { annotations: { a: when(isSet('x'), 'y') } } } }, kindOf)).toThrow(TemplateError);
    expect(() => helmDocument({ object: { labels: mergeMap({}, 'a.extraLabels') } }, kindOf)).toThrow('a merged map needs literal entries');
    expect(() => helmDocument({ object: { a: format`${v('a.extraLabels')}` } }, kindOf)).not.toThrow();
    expect(() => helmDocument({ object: { a: v('bad-key.x') } }, kindOf)).toThrow('cannot be used in a Go template field chain');
  });

  it('evaluates conditions with Go template truthiness', () => {
    const docs = [{ object: { kind: 'A', v: when(isSet('list'), 'yes', 'no'), n: when(isSet('zero'), 'set') } }];
    expect(evaluateDocuments(docs, { values: { list: [], zero: 0 }, namespace: 'x' })).toEqual([{ kind: 'A', v: 'no' }]);
    expect(evaluateDocuments(docs, { values: { list: ['a'], zero: 1 }, namespace: 'x' })).toEqual([{ kind: 'A', v: 'yes', n: 'set' }]);
  });
});
