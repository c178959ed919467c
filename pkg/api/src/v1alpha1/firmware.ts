import { Type, type Static } from '@sinclair/typebox';
import {
  AGE_COLUMN,
  Conditions,
  DNS1123_LABEL_MAX,
  DNS1123_LABEL_PATTERN,
  LocalObjectReference,
  ObservedGeneration,
  StringEnum,
  resourceNames,
  type KindDefinition,
  type KubeflashObject,
} from './common';

/** Resource names of Firmware. */
export const FirmwareResource = resourceNames('Firmware', 'firmwares', ['kffw']);

/**
 * The ESP-IDF image (v5.5.3, linux/amd64) build Jobs use when neither the Firmware nor the operator's
 * configuration (chart value builder.image) names one, pinned by digest. The digest was taken from a public
 * project's pin and not checked against the registry from the development machines: verify it before relying on it.
 */
export const DEFAULT_BUILDER_IMAGE = 'docker.io/espressif/idf:v5.5.3@sha256:3e77b709e0ba7f0e9a711039231103be822736b4105790b8e33339a3bf4e47fb';

/** A container image pinned by digest (`name@sha256:<64 hex>`), as build Jobs require. */
export const PINNED_IMAGE_PATTERN = '^[^\\s@]+@sha256:[0-9a-f]{64}$';

/** A firmware version as ESP-IDF stores it in the app description (at most 31 characters). */
export const FirmwareVersion = (description: string) =>
  Type.String({ description, minLength: 1, maxLength: 31, pattern: '^[0-9A-Za-z][0-9A-Za-z._+-]*$' });

const SHA256_HEX = (description: string) => Type.String({ description, pattern: '^[0-9a-f]{64}$' });

/** Where a firmware's source comes from: exactly one of git or upload. */
export const FirmwareSourceSchema = Type.Object(
  {
    git: Type.Optional(
      Type.Object(
        {
          url: Type.String({
            description: 'Repository URL (https://, ssh:// or git@host:path).',
            maxLength: 2048,
            pattern: '^(https?://|ssh://|git@)[^\\s]+$',
          }),
          ref: Type.Optional(
            Type.String({
              description: "Branch, tag or commit to build; omitted means the repository's default branch.",
              minLength: 1,
              maxLength: 255,
              pattern: '^[^\\s~^:?*\\[\\\\]+$',
            }),
          ),
          path: Type.Optional(
            Type.String({
              description: 'Folder of the ESP-IDF project inside the repository, relative, without "..".',
              default: '.',
              maxLength: 1024,
              pattern: '^(\\.|[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*)$',
            }),
          ),
        },
        { description: 'Build from a git repository.' },
      ),
    ),
    upload: Type.Optional(
      Type.Object({}, { description: 'Built elsewhere: the images are uploaded to the operator (e.g. from CI).' }),
    ),
  },
  {
    description: 'Where the firmware comes from: exactly one of git or upload.',
    'x-kubernetes-validations': [{ rule: 'has(self.git) != has(self.upload)', message: 'set exactly one of git or upload' }],
  },
);
/** Where a firmware's source comes from. */
export type FirmwareSource = Static<typeof FirmwareSourceSchema>;

/** How a firmware is built. */
export const FirmwareBuilderSchema = Type.Object(
  {
    image: Type.Optional(
      Type.String({
        description:
          'Container image with ESP-IDF that runs the build, pinned by digest (name@sha256:...), so every build of ' +
          "this Firmware uses the same toolchain; omitted means the operator's builder image (chart value builder.image).",
        minLength: 1,
        maxLength: 512,
        pattern: PINNED_IMAGE_PATTERN,
      }),
    ),
    timeoutSeconds: Type.Optional(
      Type.Integer({ description: 'The build Job fails after this long.', default: 3600, minimum: 60, maximum: 86400 }),
    ),
  },
  { description: 'How the firmware is built (ignored for upload).', default: {} },
);
/** How a firmware is built. */
export type FirmwareBuilder = Static<typeof FirmwareBuilderSchema>;

/** spec of a Firmware. */
export const FirmwareSpecSchema = Type.Object({
  deviceClassRef: LocalObjectReference('The DeviceClass this firmware is built for (its chip is the build target).'),
  version: FirmwareVersion('Version being built; must equal the version in the app description of the image.'),
  source: FirmwareSourceSchema,
  builder: Type.Optional(FirmwareBuilderSchema),
  buildRequest: Type.Optional(
    Type.String({
      description:
        'Change this value (any text, e.g. the current time) to build again: like every spec change it discards the ' +
        "artifacts and starts a new build (git) or waits for a new upload (upload). The UI's Rebuild sets it.",
      maxLength: 64,
    }),
  ),
});
/** spec of a Firmware. */
export type FirmwareSpec = Static<typeof FirmwareSpecSchema>;

/** Phases of a Firmware. */
export const FirmwarePhase = {
  /** Waiting for the build Job to start, or for an upload. */
  Pending: 'Pending',
  /** The build Job is running. */
  Building: 'Building',
  /** Artifacts are uploaded, verified and signed. */
  Succeeded: 'Succeeded',
  /** The build, upload, verification or signing failed; status.message says why. */
  Failed: 'Failed',
} as const;
/** One of the Firmware phases. */
export type FirmwarePhase = (typeof FirmwarePhase)[keyof typeof FirmwarePhase];

/** One flashable image of a firmware. */
export const FirmwareArtifactSchema = Type.Object({
  name: Type.String({
    description: 'Image name: bootloader, partition-table, ota-data-initial or app.',
    minLength: 1,
    maxLength: DNS1123_LABEL_MAX,
    pattern: DNS1123_LABEL_PATTERN,
  }),
  offset: Type.Integer({ description: 'Flash offset in bytes.', minimum: 0, maximum: 0xffffffff }),
  size: Type.Integer({ description: 'Size in bytes.', minimum: 1, maximum: 0xffffffff }),
  sha256: SHA256_HEX('SHA-256 of the image, lowercase hex; also its address in the artifact service.'),
  url: Type.Optional(
    Type.String({
      description: 'Where the artifact service serves the image (content-addressed, public, immutable).',
      maxLength: 2048,
      pattern: '^https?://[^\\s]+$',
    }),
  ),
});
/** One flashable image of a firmware. */
export type FirmwareArtifact = Static<typeof FirmwareArtifactSchema>;

/** Signature algorithms of app images. */
export const SignatureAlgorithm = {
  /**
   * ECDSA over NIST P-256 of the SHA-256 of the whole app image file, DER (`openssl dgst -sha256 -sign`); devices
   * verify it with the namespace's public key, which reaches them as the generated config key ota_pubkey.
   */
  EcdsaP256Sha256: 'ECDSA-P256-SHA256',
} as const;
/** One of the signature algorithms. */
export type SignatureAlgorithm = (typeof SignatureAlgorithm)[keyof typeof SignatureAlgorithm];

/** status of a Firmware. */
export const FirmwareStatusSchema = Type.Object({
  observedGeneration: Type.Optional(ObservedGeneration()),
  phase: Type.Optional(
    StringEnum(Object.values(FirmwarePhase), { description: 'Pending, Building, Succeeded or Failed.' }),
  ),
  jobName: Type.Optional(Type.String({ description: 'Name of the build Job of this generation (git sources).', maxLength: DNS1123_LABEL_MAX })),
  startTime: Type.Optional(Type.String({ description: 'When the build (or the wait for an upload) started.', format: 'date-time' })),
  completionTime: Type.Optional(Type.String({ description: 'When the build succeeded or failed.', format: 'date-time' })),
  message: Type.Optional(
    Type.String({
      description: 'Details of the phase: why an upload was rejected, or the failed Job\'s reason and the end of its log.',
      maxLength: 32768,
    }),
  ),
  artifacts: Type.Optional(
    Type.Array(FirmwareArtifactSchema, {
      description: 'The images to flash, by name.',
      maxItems: 16,
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
    }),
  ),
  app: Type.Optional(
    Type.Object(
      {
        projectName: Type.Optional(Type.String({ description: 'project_name of the app description.', maxLength: 31 })),
        version: Type.Optional(Type.String({ description: 'version of the app description.', maxLength: 31 })),
        idfVersion: Type.Optional(Type.String({ description: 'ESP-IDF version the app was built with.', maxLength: 31 })),
        secureVersion: Type.Optional(
          Type.Integer({ description: 'Anti-rollback secure_version.', minimum: 0, maximum: 0xffffffff }),
        ),
        elfSha256: Type.Optional(SHA256_HEX('SHA-256 of the app ELF file, from the app description, lowercase hex.')),
      },
      { description: 'What the app image says about itself (esp_app_desc_t).' },
    ),
  ),
  signature: Type.Optional(
    Type.Object(
      {
        algorithm: StringEnum(Object.values(SignatureAlgorithm), { description: 'Signature algorithm: ECDSA-P256-SHA256.' }),
        value: Type.String({ description: 'DER signature over the app image, base64.', maxLength: 256, pattern: '^[A-Za-z0-9+/]+={0,2}$' }),
        keyId: Type.Optional(
          Type.String({ description: 'SHA-256 of the signing public key (DER SubjectPublicKeyInfo, as in ota_pubkey), lowercase hex.', pattern: '^[0-9a-f]{64}$' }),
        ),
      },
      { description: 'The operator\'s signature over the whole app image file, checked by devices before an OTA switch.' },
    ),
  ),
  conditions: Type.Optional(Conditions()),
});
/** status of a Firmware. */
export type FirmwareStatus = Static<typeof FirmwareStatusSchema>;

/** One build of a DeviceClass's firmware at one version, and its artifacts. */
export type Firmware = KubeflashObject<'Firmware', FirmwareSpec, FirmwareStatus>;

/** Condition types of a Firmware. */
export const FirmwareConditionType = {
  /**
   * True when every image was built (or uploaded) and verified: image magic, chip, app description
   * version equal to spec.version, and sha256. False while pending or building, or after a failure.
   */
  Built: 'Built',
  /**
   * True when Built is True, the app image is signed and every artifact is stored in the artifact service,
   * so the artifacts can be downloaded, flashed and rolled out; this is what DeviceClasses and Rollouts wait for.
   */
  ArtifactsReady: 'ArtifactsReady',
} as const;
/** One of the Firmware condition types. */
export type FirmwareConditionType = (typeof FirmwareConditionType)[keyof typeof FirmwareConditionType];

/** Reasons of Firmware conditions (and of the Events that mirror them). */
export const FirmwareReason = {
  /** Built=False: the build Job is created but not running yet. */
  BuildPending: 'BuildPending',
  /** Built=False: source upload; no images were uploaded for this generation yet. */
  AwaitingUpload: 'AwaitingUpload',
  /** Built=False: the build Job is running. */
  Building: 'Building',
  /** Built=True: all images are present and verified. */
  BuildSucceeded: 'BuildSucceeded',
  /** Built=False: the build Job failed (the message has its reason and the end of its log). */
  BuildFailed: 'BuildFailed',
  /** Built=False: the build Job passed spec.builder.timeoutSeconds, or never started. */
  BuildTimedOut: 'BuildTimedOut',
  /** Built=False: the build Job ended without uploading images. */
  NothingUploaded: 'NothingUploaded',
  /** Built=False: an uploaded image failed verification (magic, segments, checksum, chip, version, partitions, size). */
  ImageInvalid: 'ImageInvalid',
  /** Built=False: the Firmware cannot be built as specified (e.g. its DeviceClass is missing). */
  InvalidSpec: 'InvalidSpec',
  /** ArtifactsReady=True: the app image is signed and every artifact is stored. */
  Signed: 'Signed',
  /** ArtifactsReady=False: Built is not True yet. */
  NotBuilt: 'NotBuilt',
  /** ArtifactsReady=False: signing failed (e.g. the signing key Secret is unreadable). */
  SigningFailed: 'SigningFailed',
} as const;
/** One of the Firmware reasons. */
export type FirmwareReason = (typeof FirmwareReason)[keyof typeof FirmwareReason];

/** CRD definition of Firmware. */
export const firmwareDefinition: KindDefinition = {
  names: FirmwareResource,
  description:
    "One build of a DeviceClass's firmware at one version: the build Job, the verified and signed images, " +
    'and what the app image says about itself.',
  spec: FirmwareSpecSchema,
  status: FirmwareStatusSchema,
  printerColumns: [
    { name: 'Class', type: 'string', jsonPath: '.spec.deviceClassRef.name', description: 'DeviceClass built for.' },
    { name: 'Version', type: 'string', jsonPath: '.spec.version', description: 'Firmware version.' },
    { name: 'Phase', type: 'string', jsonPath: '.status.phase', description: 'Pending, Building, Succeeded or Failed.' },
    { name: 'Job', type: 'string', jsonPath: '.status.jobName', description: 'Build Job.', priority: 1 },
    { name: 'IDF', type: 'string', jsonPath: '.status.app.idfVersion', description: 'ESP-IDF version.', priority: 1 },
    {
      name: 'Completed',
      type: 'date',
      jsonPath: '.status.completionTime',
      description: 'When the build finished.',
      priority: 1,
    },
    AGE_COLUMN,
  ],
};
