import { createHash } from 'node:crypto';
import type { V1Job, V1OwnerReference, V1ResourceRequirements } from '@kubernetes/client-node';
import { API_VERSION, DEFAULT_BUILDER_IMAGE, FirmwareResource, type Firmware } from '@kubeflash/api';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../../config/secret';
import { UPLOAD_TOKEN_KEY } from '../../artifacts/upload/token';

/**
 * The build Job of one Firmware generation (git sources). Three steps in one pod, sharing an emptyDir:
 *   1. init container `fetch-source` (builder image): a shallow fetch of spec.source.git ref into /workspace/src;
 *   2. init container `build` (builder image): `scripts/build.sh` of the ESP-IDF project folder
 *      (spec.source.git.path), the same script developers and CI run, with the version from spec.version;
 *      it leaves the ESP-IDF build folder (flasher_args.json and the images) in <project>/build;
 *   3. container `upload` (the operator's own image): `firmware upload` of that folder to the artifact service
 *      with the one-time token mounted from a Secret the Job owns.
 * Runs as a non-root user with no privilege escalation, no service account token and a deadline.
 */

/** Label naming the Firmware on its Jobs (and their pods). */
export const FIRMWARE_LABEL = 'kubeflash.dev/firmware';
/** Label with the Firmware generation a Job builds. */
export const GENERATION_LABEL = 'kubeflash.dev/firmware-generation';
/** Where the upload token is mounted in the upload container. */
export const TOKEN_MOUNT = '/var/run/kubeflash/upload-token';
/** Folder shared by the three steps. */
export const WORKSPACE = '/workspace';
/** The build script, relative to the ESP-IDF project folder. */
export const BUILD_SCRIPT = 'scripts/build.sh';

/** How build Jobs are made (chart values, operator flags). */
export interface BuilderSettings {
  /** ESP-IDF image pinned by digest, used when the Firmware names none. */
  image: string;
  /** The image holding the operator bundle, which runs the upload step. */
  uploaderImage: string;
  /** Command that runs the operator bundle in uploaderImage (its `firmware upload` sub-command follows). */
  uploaderCommand: string[];
  /** Base URL of the artifact service as build pods reach it (in-cluster Service). */
  artifactsUrl: string;
  /** Resources of the build step. */
  resources: V1ResourceRequirements;
  /** Pod retries before the Job fails (a used upload token makes retries after the upload step useless). */
  backoffLimit: number;
  /** User and group the steps run as. */
  runAsUser: number;
  /** Bytes of the shared emptyDir (ESP-IDF builds need a few GiB with the managed components). */
  workspaceSizeLimit: string;
}

/** Defaults of the chart values. */
export const DEFAULT_BUILDER_SETTINGS: BuilderSettings = {
  // ESP-IDF v5.5.3 (linux/amd64). Set the chart value builder.image for other nodes or releases.
  image: DEFAULT_BUILDER_IMAGE,
  uploaderImage: 'ghcr.io/kubeflash/kubeflash-operator:latest',
  // The image's own node (distroless has no node on PATH), as its ENTRYPOINT runs it.
  uploaderCommand: ['/nodejs/bin/node', '/app/kubeflash-operator.mjs'],
  artifactsUrl: 'http://kubeflash-artifacts.kubeflash-system.svc:8080',
  resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { memory: '6Gi' } },
  backoffLimit: 1,
  runAsUser: 1000,
  workspaceSizeLimit: '8Gi',
};

/** Name of the build Job of `firmware` at `generation`: a DNS label, unique per generation. */
export function buildJobName(firmware: string, generation: number): string {
  const suffix = `-build-${generation}`;
  if (firmware.length + suffix.length <= 63) return `${firmware}${suffix}`;
  const hash = createHash('sha256').update(firmware).digest('hex').slice(0, 8);
  return `${firmware.slice(0, 63 - suffix.length - 9).replace(/[-.]+$/, '')}-${hash}${suffix}`;
}

/** Name of the Secret with the upload token of a build Job. */
export function uploadTokenSecretName(jobName: string): string {
  return `${jobName}-upload-token`;
}

/** The Firmware as the owner of its Jobs (and tokens of CLI uploads). */
export function firmwareOwner(firmware: Firmware): V1OwnerReference {
  return { apiVersion: API_VERSION, kind: FirmwareResource.kind, name: firmware.metadata.name ?? '', uid: firmware.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}

const FETCH_SCRIPT = [
  'git config --global --add safe.directory "*"',
  'git init -q "$SRC"',
  'cd "$SRC"',
  'git remote add origin "$GIT_URL"',
  'git fetch -q --depth 1 origin "$GIT_REF"',
  'git checkout -q FETCH_HEAD',
  'git submodule update -q --init --recursive --depth 1',
  'echo "fetched $GIT_URL $GIT_REF at $(git rev-parse HEAD)"',
].join('\n');

const BUILD_STEP = [
  'git config --global --add safe.directory "*"',
  '. "$IDF_PATH/export.sh" >/dev/null',
  `[ -x "${BUILD_SCRIPT}" ] || { echo "${BUILD_SCRIPT} is missing in $PWD (spec.source.git.path must name the ESP-IDF project folder)" >&2; exit 2; }`,
  `exec "./${BUILD_SCRIPT}" "$KUBEFLASH_FIRMWARE_VERSION"`,
].join('\n');

/**
 * The Job that builds `firmware` at its current generation; `chip` is the class's target. Its upload token is in
 * the Secret `uploadTokenSecretName(job)`, created right after the Job and owned by it (the pod waits for it).
 */
export function desiredBuildJob(firmware: Firmware, chip: string, settings: BuilderSettings): V1Job {
  const git = firmware.spec.source.git;
  if (!git) throw new Error(`Firmware ${firmware.metadata.name} has no git source`);
  const namespace = firmware.metadata.namespace ?? 'default';
  const name = firmware.metadata.name ?? '';
  const generation = firmware.metadata.generation ?? 1;
  const labels = {
    [FIRMWARE_LABEL]: name,
    [GENERATION_LABEL]: String(generation),
    [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
    'app.kubernetes.io/component': 'firmware-build',
  };
  const project = `${WORKSPACE}/src/${git.path && git.path !== '.' ? git.path : ''}`.replace(/\/$/, '');
  const image = firmware.spec.builder?.image ?? settings.image;
  const restricted = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true };
  const home = { name: 'HOME', value: `${WORKSPACE}/home` };
  const tokenSecret = uploadTokenSecretName(buildJobName(name, generation));
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: buildJobName(name, generation), namespace, labels, ownerReferences: [firmwareOwner(firmware)] },
    spec: {
      backoffLimit: settings.backoffLimit,
      activeDeadlineSeconds: firmware.spec.builder?.timeoutSeconds ?? 3600,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: settings.runAsUser,
            runAsGroup: settings.runAsUser,
            fsGroup: settings.runAsUser,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          volumes: [
            { name: 'workspace', emptyDir: { sizeLimit: settings.workspaceSizeLimit } },
            { name: 'upload-token', secret: { secretName: tokenSecret, defaultMode: 0o440, items: [{ key: UPLOAD_TOKEN_KEY, path: UPLOAD_TOKEN_KEY }] } },
          ],
          initContainers: [
            {
              name: 'fetch-source',
              image,
              command: ['/bin/sh', '-ec', FETCH_SCRIPT],
              env: [{ name: 'GIT_URL', value: git.url }, { name: 'GIT_REF', value: git.ref ?? 'HEAD' }, { name: 'SRC', value: `${WORKSPACE}/src` }, home],
              volumeMounts: [{ name: 'workspace', mountPath: WORKSPACE }],
              resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
              securityContext: restricted,
            },
            {
              name: 'build',
              image,
              workingDir: project,
              command: ['/bin/bash', '-ec', BUILD_STEP],
              env: [
                { name: 'KUBEFLASH_FIRMWARE_VERSION', value: firmware.spec.version },
                { name: 'IDF_TARGET', value: chip },
                { name: 'IDF_TOOLS_PATH', value: '/opt/esp' },
                home,
              ],
              volumeMounts: [{ name: 'workspace', mountPath: WORKSPACE }],
              resources: settings.resources,
              securityContext: restricted,
            },
          ],
          containers: [
            {
              name: 'upload',
              image: settings.uploaderImage,
              command: settings.uploaderCommand,
              args: [
                'firmware',
                'upload',
                name,
                '--namespace',
                namespace,
                '--build-dir',
                `${project}/build`,
                '--url',
                settings.artifactsUrl,
                '--token-file',
                `${TOKEN_MOUNT}/${UPLOAD_TOKEN_KEY}`,
              ],
              volumeMounts: [
                { name: 'workspace', mountPath: WORKSPACE, readOnly: true },
                { name: 'upload-token', mountPath: TOKEN_MOUNT, readOnly: true },
              ],
              resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
              securityContext: { ...restricted, readOnlyRootFilesystem: true },
            },
          ],
        },
      },
    },
  };
}
