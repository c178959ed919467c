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

/** Builder image used when a class names none. */
export const DEFAULT_BUILDER_IMAGE = 'espressif/idf:v5.3.1';

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
        description: 'Container image with ESP-IDF that runs the build Job.',
        default: DEFAULT_BUILDER_IMAGE,
        minLength: 1,
        maxLength: 512,
        pattern: '^[^\\s]+$',
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
  sha256: SHA256_HEX('SHA-256 of the image, lowercase hex.'),
});
/** One flashable image of a firmware. */
export type FirmwareArtifact = Static<typeof FirmwareArtifactSchema>;

/** Signature algorithms of app images. */
export const SignatureAlgorithm = {
  /** ECDSA over NIST P-256 of the SHA-256 of the app image; the public key is compiled into the firmware. */
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
  jobName: Type.Optional(Type.String({ description: 'Name of the build Job.', maxLength: DNS1123_LABEL_MAX })),
  startTime: Type.Optional(Type.String({ description: 'When the build started.', format: 'date-time' })),
  completionTime: Type.Optional(Type.String({ description: 'When the build succeeded or failed.', format: 'date-time' })),
  message: Type.Optional(Type.String({ description: 'Details of the phase, e.g. why the build failed.', maxLength: 32768 })),
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
          Type.String({ description: 'SHA-256 of the signing public key (DER), lowercase hex.', pattern: '^[0-9a-f]{64}$' }),
        ),
      },
      { description: 'The operator\'s signature over the app image, checked by devices before an OTA switch.' },
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
   * True when Built is True and the app image is signed, so the artifacts can be flashed and rolled
   * out; this is what DeviceClasses and Rollouts wait for.
   */
  Ready: 'Ready',
} as const;
/** One of the Firmware condition types. */
export type FirmwareConditionType = (typeof FirmwareConditionType)[keyof typeof FirmwareConditionType];

/** Reasons of Firmware conditions (and of the Events that mirror them). */
export const FirmwareReason = {
  /** Built=False: the build Job is created but not running yet, or an upload is awaited. */
  BuildPending: 'BuildPending',
  /** Built=False: the build Job is running. */
  Building: 'Building',
  /** Built=True: all images are present and verified. */
  BuildSucceeded: 'BuildSucceeded',
  /** Built=False: the build Job failed or timed out. */
  BuildFailed: 'BuildFailed',
  /** Built=False: an image failed verification (magic, chip, version or digest). */
  ImageInvalid: 'ImageInvalid',
  /** Ready=True: the app image is signed. */
  Signed: 'Signed',
  /** Ready=False: Built is not True yet. */
  NotBuilt: 'NotBuilt',
  /** Ready=False: signing failed (e.g. the signing key Secret is missing). */
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
