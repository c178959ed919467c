import { Type, type Static } from '@sinclair/typebox';
import {
  AGE_COLUMN,
  Conditions,
  IntOrString,
  LabelSelector,
  LocalObjectReference,
  ObjectName,
  ObservedGeneration,
  StringEnum,
  resourceNames,
  type KindDefinition,
  type KubeflashObject,
} from './common';
import { MAC_ADDRESS_PATTERN } from './device';

/** Resource names of Rollout. */
export const RolloutResource = resourceNames('Rollout', 'rollouts', ['kfro']);

/** Most waves a rollout can have. */
export const MAX_WAVES = 10;

/**
 * CEL rule: a list of at most `maxItems` numbers is strictly ascending. Standard CEL has no indexed
 * comprehension, so the pairwise comparisons are spelled out up to the list's maxItems.
 */
export function strictlyAscendingRule(maxItems: number): string {
  const pairs: string[] = [];
  for (let i = 0; i + 1 < maxItems; i++) pairs.push(`(size(self) <= ${i + 1} || self[${i}] < self[${i + 1}])`);
  return pairs.join(' && ');
}

/** Most devices one Rollout can target (its status lists them by wave). */
export const MAX_ROLLOUT_DEVICES = 10000;
/** Most explicit names, MAC addresses or DeviceGroups in one target list. */
export const MAX_TARGET_ITEMS = 1000;
/** Devices named per wave in status.plan. */
export const PLAN_FIRST_NAMES = 10;
/** Most entries of status.failedDevices and status.conflicts. */
export const MAX_LISTED_DEVICES = 100;

/** Pause between two waves. */
export const RolloutPauseSchema = Type.Object(
  {
    durationSeconds: Type.Optional(
      Type.Integer({ description: 'Wait this long after a wave finished before the next one starts.', minimum: 0, maximum: 604800 }),
    ),
    approval: Type.Optional(
      Type.Boolean({
        description:
          'Wait for an approval before each next wave (phase WaveApproval): set spec.approvedWave to the wave number (the UI\'s Approve does).',
        default: false,
      }),
    ),
  },
  { description: 'Optional pause between waves: a duration, a manual approval, or both (the duration first).' },
);
/** Pause between two waves. */
export type RolloutPause = Static<typeof RolloutPauseSchema>;

/** spec.strategy of a Rollout. */
export const RolloutStrategySchema = Type.Object(
  {
    waves: Type.Optional(
      Type.Array(Type.Integer({ minimum: 1, maximum: 100 }), {
        description:
          'Cumulative percentages of the selected devices updated by the end of each wave, strictly ascending ' +
          '(e.g. [1, 10, 50, 100]); the rollout ends after the last wave, so end with 100 to update every device.',
        default: [10, 50, 100],
        minItems: 1,
        maxItems: MAX_WAVES,
        'x-kubernetes-list-type': 'atomic',
        'x-kubernetes-validations': [
          { rule: strictlyAscendingRule(MAX_WAVES), message: 'waves must be strictly ascending percentages' },
        ],
      }),
    ),
    maxConcurrent: Type.Optional(
      IntOrString({
        description: 'Devices updating at the same time: a number (at least 1) or a percentage of the selected devices ("5%").',
        default: 10,
        minimum: 1,
        pattern: '^([1-9][0-9]?|100)%$',
      }),
    ),
    pause: Type.Optional(RolloutPauseSchema),
    deviceTimeoutSeconds: Type.Optional(
      Type.Integer({
        description:
          'A device that has not succeeded this long after its command (or, offline, this long after its wave started) counts as failed (reason timeout or offline).',
        default: 1800,
        minimum: 60,
        maximum: 604800,
      }),
    ),
    progressTimeoutSeconds: Type.Optional(
      Type.Integer({
        description: 'An attempt whose device reported nothing for this long ends (reason no-progress) and is retried.',
        default: 300,
        minimum: 10,
        maximum: 86400,
      }),
    ),
    maxAttempts: Type.Optional(
      Type.Integer({
        description: 'Attempts per device for retryable failures (download-failed, busy, timeout, no-progress); other failures are final at once.',
        default: 3,
        minimum: 1,
        maximum: 20,
      }),
    ),
    retryBackoffSeconds: Type.Optional(
      Type.Integer({ description: 'Wait before the second attempt; doubled for each further one (at most 1 hour).', default: 30, minimum: 1, maximum: 3600 }),
    ),
    abort: Type.Optional(
      Type.Object(
        {
          failurePercent: Type.Optional(
            Type.Integer({
              description:
                'Abort when more than this percentage of the finished devices failed, overall or within the current wave; 100 never aborts.',
              default: 20,
              minimum: 0,
              maximum: 100,
            }),
          ),
          minFinished: Type.Optional(
            Type.Integer({
              description: 'The failure percentage (overall, and per wave) is judged only once at least this many devices finished.',
              default: 5,
              minimum: 1,
              maximum: 100000,
            }),
          ),
          consecutiveFailures: Type.Optional(
            Type.Integer({ description: 'Abort after this many failures in a row (by finish time); 0 never aborts on a streak.', default: 5, minimum: 0, maximum: 100000 }),
          ),
        },
        { description: 'When failures stop the rollout (as AWS IoT Jobs and hawkBit do).', default: {} },
      ),
    ),
  },
  { description: 'How fast the update spreads and when it stops.', default: {} },
);
/** spec.strategy of a Rollout. */
export type RolloutStrategy = Static<typeof RolloutStrategySchema>;

/** spec.healthCheck of a Rollout. */
export const RolloutHealthCheckSchema = Type.Object(
  {
    minOnlineSeconds: Type.Optional(
      Type.Integer({
        description:
          'A device has succeeded only after it reports the new version, marked it valid, and then stayed online this long.',
        default: 60,
        minimum: 0,
        maximum: 86400,
      }),
    ),
  },
  { description: 'When an updated device counts as healthy.', default: {} },
);
/** spec.healthCheck of a Rollout. */
export type RolloutHealthCheck = Static<typeof RolloutHealthCheckSchema>;

const nameList = (description: string) =>
  Type.Optional(Type.Array(ObjectName('A Device name.'), { description, maxItems: MAX_TARGET_ITEMS, 'x-kubernetes-list-type': 'set' }));

/** spec of a Rollout. */
export const RolloutSpecSchema = Type.Object({
  firmwareRef: LocalObjectReference('The Firmware to install; it must be Succeeded (signed and stored).'),
  selector: Type.Optional(
    LabelSelector(
      "Devices selected by labels. Targets are the union of selector, devices, macAddresses and deviceGroups, then only Devices of the firmware's DeviceClass; with none of the four every Device of that class in the namespace is targeted.",
    ),
  ),
  devices: nameList('Devices selected by name.'),
  macAddresses: Type.Optional(
    Type.Array(Type.String({ pattern: MAC_ADDRESS_PATTERN }), {
      description: 'Devices selected by MAC address (spec.macAddress, else the reported one), case-insensitive.',
      maxItems: MAX_TARGET_ITEMS,
      'x-kubernetes-list-type': 'set',
    }),
  ),
  deviceGroups: Type.Optional(
    Type.Array(ObjectName('A DeviceGroup name.'), { description: 'Devices that are members of these DeviceGroups.', maxItems: MAX_TARGET_ITEMS, 'x-kubernetes-list-type': 'set' }),
  ),
  dynamic: Type.Optional(
    Type.Boolean({
      description: 'Devices that start matching after the rollout started join its last open wave; otherwise the targets are fixed when it starts.',
      default: false,
    }),
  ),
  dryRun: Type.Optional(
    Type.Boolean({ description: 'Only compute status.plan (devices per wave); send nothing. Set false to start.', default: false }),
  ),
  strategy: Type.Optional(RolloutStrategySchema),
  healthCheck: Type.Optional(RolloutHealthCheckSchema),
  paused: Type.Optional(
    Type.Boolean({ description: 'Stop sending new update commands; updates in flight finish. Set false to resume.', default: false }),
  ),
  approvedWave: Type.Optional(
    Type.Integer({
      description: 'With strategy.pause.approval: waves up to this number (from 1) may start; the first wave needs no approval.',
      minimum: 0,
      maximum: MAX_WAVES,
    }),
  ),
  abort: Type.Optional(
    Type.Boolean({ description: 'Set true to abort: nothing new is sent and the phase becomes Aborted (cannot be undone).', default: false }),
  ),
}, {
  'x-kubernetes-validations': [
    { rule: '!has(oldSelf.abort) || !oldSelf.abort || (has(self.abort) && self.abort)', message: 'an aborted Rollout cannot be resumed: create a new Rollout' },
  ],
});
/** spec of a Rollout. */
export type RolloutSpec = Static<typeof RolloutSpecSchema>;

/** Phases of a Rollout. */
export const RolloutPhase = {
  /** Waiting for the Firmware to become Succeeded, or for matching devices. */
  Pending: 'Pending',
  /** spec.dryRun: status.plan shows what would happen; nothing is sent. */
  Planned: 'Planned',
  /** Waves are being rolled out. */
  Progressing: 'Progressing',
  /** A wave finished and the next one waits for spec.approvedWave. */
  WaveApproval: 'WaveApproval',
  /** spec.paused is true. */
  Paused: 'Paused',
  /** The last wave finished without crossing the abort threshold. */
  Succeeded: 'Succeeded',
  /** The abort threshold was crossed or spec.abort was set; no new commands are sent. */
  Aborted: 'Aborted',
} as const;
/** One of the Rollout phases. */
export type RolloutPhase = (typeof RolloutPhase)[keyof typeof RolloutPhase];

/** States of one wave. */
export const WaveState = {
  /** Not started. */
  Pending: 'Pending',
  /** Its devices are being updated. */
  Running: 'Running',
  /** Every device of it finished (succeeded, failed or skipped). */
  Completed: 'Completed',
} as const;
/** One of the wave states. */
export type WaveState = (typeof WaveState)[keyof typeof WaveState];

const count = (description: string) => Type.Optional(Type.Integer({ description, minimum: 0 }));

/** Device counts by update state (of a rollout or one wave). */
export const RolloutCountsSchema = Type.Object(
  {
    total: count('Devices targeted.'),
    pending: count('Devices not yet sent a command.'),
    inProgress: count('Devices updating now (including a retry waiting for its backoff).'),
    succeeded: count('Devices that run the new firmware and passed the health check.'),
    failed: count('Devices whose update failed, rolled back, timed out or stayed offline.'),
    skipped: count('Devices that already ran the target version when the rollout started.'),
  },
  { description: 'Devices by update state.' },
);
/** Device counts by update state. */
export type RolloutCounts = Static<typeof RolloutCountsSchema>;

/** One wave of the preview. */
export const RolloutPlanWaveSchema = Type.Object({
  wave: Type.Integer({ description: 'Wave number, from 1.', minimum: 1, maximum: MAX_WAVES }),
  percent: Type.Integer({ description: 'Cumulative percentage reached by the end of this wave.', minimum: 1, maximum: 100 }),
  devices: Type.Integer({ description: 'Devices updated in this wave.', minimum: 0 }),
  firstDevices: Type.Optional(
    Type.Array(Type.String({ maxLength: 253 }), { description: `The first ${PLAN_FIRST_NAMES} device names of the wave.`, maxItems: PLAN_FIRST_NAMES }),
  ),
});
/** One wave of the preview. */
export type RolloutPlanWave = Static<typeof RolloutPlanWaveSchema>;

/** One wave as it runs: its devices (fixed when the rollout starts) and counts. */
export const RolloutWaveStatusSchema = Type.Object({
  wave: Type.Integer({ description: 'Wave number, from 1.', minimum: 1, maximum: MAX_WAVES }),
  state: StringEnum(Object.values(WaveState), { description: 'Pending, Running or Completed.' }),
  devices: Type.Array(Type.String({ maxLength: 253 }), {
    description: 'Names of the Devices of this wave (per-device state is in each Device\'s status.ota).',
    maxItems: MAX_ROLLOUT_DEVICES,
  }),
  counts: Type.Optional(RolloutCountsSchema),
  startTime: Type.Optional(Type.String({ description: 'When the wave started.', format: 'date-time' })),
  completionTime: Type.Optional(Type.String({ description: 'When its last device finished.', format: 'date-time' })),
});
/** One wave as it runs. */
export type RolloutWaveStatus = Static<typeof RolloutWaveStatusSchema>;

/** A device whose update failed, as the rollout lists it. */
export const RolloutFailedDeviceSchema = Type.Object({
  name: Type.String({ description: 'Device name.', maxLength: 253 }),
  reason: Type.String({ description: 'Failure reason: a protocol reason (signature-invalid, rollback, ...), timeout, no-progress or offline.', maxLength: 64 }),
  message: Type.Optional(Type.String({ description: 'What the device or the operator said.', maxLength: 1024 })),
  attempts: Type.Optional(Type.Integer({ description: 'Attempts made.', minimum: 1 })),
  time: Type.Optional(Type.String({ description: 'When it failed for good.', format: 'date-time' })),
});
/** A failed device. */
export type RolloutFailedDevice = Static<typeof RolloutFailedDeviceSchema>;

/** status of a Rollout. */
export const RolloutStatusSchema = Type.Object({
  observedGeneration: Type.Optional(ObservedGeneration()),
  phase: Type.Optional(
    StringEnum(Object.values(RolloutPhase), {
      description: 'Pending, Planned, Progressing, WaveApproval, Paused, Succeeded or Aborted.',
    }),
  ),
  targetVersion: Type.Optional(Type.String({ description: 'Version of the Firmware being installed.', maxLength: 31 })),
  currentWave: Type.Optional(
    Type.Integer({ description: 'Wave in progress, counted from 1; 0 before the first.', minimum: 0, maximum: MAX_WAVES }),
  ),
  counts: Type.Optional(RolloutCountsSchema),
  plan: Type.Optional(
    Type.Object(
      {
        total: Type.Integer({ description: 'Devices that would be targeted now (skipped ones excluded).', minimum: 0 }),
        skipped: Type.Optional(Type.Integer({ description: 'Targeted devices that already run the version.', minimum: 0 })),
        conflicting: Type.Optional(Type.Integer({ description: 'Targeted devices held by another running Rollout.', minimum: 0 })),
        waves: Type.Array(RolloutPlanWaveSchema, { description: 'Devices per wave.', maxItems: MAX_WAVES }),
        time: Type.Optional(Type.String({ description: 'When the plan was computed.', format: 'date-time' })),
      },
      { description: 'The preview: devices per wave, computed before the first command (and while paused or a dry run).' },
    ),
  ),
  waves: Type.Optional(
    Type.Array(RolloutWaveStatusSchema, { description: 'The waves with their devices, fixed when the rollout starts.', maxItems: MAX_WAVES }),
  ),
  skippedDevices: Type.Optional(
    Type.Array(Type.String({ maxLength: 253 }), { description: 'Targeted devices that already ran the version at start.', maxItems: MAX_ROLLOUT_DEVICES }),
  ),
  failedDevices: Type.Optional(
    Type.Array(RolloutFailedDeviceSchema, { description: `Devices that failed for good (the first ${MAX_LISTED_DEVICES}).`, maxItems: MAX_LISTED_DEVICES }),
  ),
  conflicts: Type.Optional(
    Type.Array(
      Type.Object({
        device: Type.String({ description: 'Device name.', maxLength: 253 }),
        rollout: Type.String({ description: 'The running Rollout that holds it.', maxLength: 253 }),
      }),
      { description: `Targeted devices held by another running Rollout, sent nothing (the first ${MAX_LISTED_DEVICES}).`, maxItems: MAX_LISTED_DEVICES },
    ),
  ),
  waveCompletionTime: Type.Optional(Type.String({ description: 'When the last completed wave finished (for the pause between waves).', format: 'date-time' })),
  startTime: Type.Optional(Type.String({ description: 'When the first command was sent.', format: 'date-time' })),
  completionTime: Type.Optional(Type.String({ description: 'When the rollout succeeded or aborted.', format: 'date-time' })),
  abortReason: Type.Optional(Type.String({ description: 'Why the rollout aborted.', maxLength: 1024 })),
  message: Type.Optional(Type.String({ description: 'Details of the phase.', maxLength: 32768 })),
  conditions: Type.Optional(Conditions()),
});
/** status of a Rollout. */
export type RolloutStatus = Static<typeof RolloutStatusSchema>;

/** An over-the-air update of selected devices to one Firmware, in waves, with automatic abort. */
export type Rollout = KubeflashObject<'Rollout', RolloutSpec, RolloutStatus>;

/** Condition types of a Rollout. */
export const RolloutConditionType = {
  /** True while the rollout sends commands or waits for devices: the Firmware is ready, not paused, not finished. */
  Progressing: 'Progressing',
  /** True when spec.paused is true (updates in flight still finish), or a wave waits for its approval. */
  Paused: 'Paused',
  /** True when the last wave finished without crossing the abort threshold (counts.failed may be non-zero). */
  Succeeded: 'Succeeded',
  /** True when the abort criteria were met or spec.abort was set. */
  Aborted: 'Aborted',
  /** True when some targeted devices are held by another running Rollout (the message names it); they are sent nothing. */
  TargetConflict: 'TargetConflict',
} as const;
/** One of the Rollout condition types. */
export type RolloutConditionType = (typeof RolloutConditionType)[keyof typeof RolloutConditionType];

/** Reasons of Rollout conditions (and of the Events that mirror them). */
export const RolloutReason = {
  /** Progressing=False: the Firmware is missing, not Succeeded, or of no class. */
  FirmwareNotReady: 'FirmwareNotReady',
  /** Progressing=False: the targets match no Device of the firmware's class. */
  NoDevicesMatched: 'NoDevicesMatched',
  /** Progressing=False: spec.dryRun; status.plan shows the waves. */
  DryRun: 'DryRun',
  /** Progressing=True: a wave is in progress. */
  WaveInProgress: 'WaveInProgress',
  /** Progressing=True: a wave finished and the next one started (or waits for its pause). */
  WaveCompleted: 'WaveCompleted',
  /** Progressing=True: the pause between waves runs. */
  WavePause: 'WavePause',
  /** Paused=True: the next wave waits for spec.approvedWave. */
  AwaitingApproval: 'AwaitingApproval',
  /** Paused=True (and Progressing=False): spec.paused is true. */
  PausedByUser: 'PausedByUser',
  /** Paused=False: spec.paused is false. */
  Resumed: 'Resumed',
  /** Succeeded=True (and Progressing=False): every wave finished. */
  AllWavesCompleted: 'AllWavesCompleted',
  /** Aborted=True (and Progressing=False): more than failurePercent of the finished devices failed. */
  FailureThresholdExceeded: 'FailureThresholdExceeded',
  /** Aborted=True: abort.consecutiveFailures devices failed in a row. */
  ConsecutiveFailures: 'ConsecutiveFailures',
  /** Aborted=True: spec.abort was set. */
  AbortedByUser: 'AbortedByUser',
  /** TargetConflict=True: devices held by another running Rollout. */
  DevicesHeldByOtherRollout: 'DevicesHeldByOtherRollout',
  /** TargetConflict=False: no targeted device is held by another Rollout. */
  NoConflict: 'NoConflict',
  /** Progressing=False: the DevicesCluster of some devices has no artifacts.publicBaseUrl or broker session; they are not sent anything yet. */
  CannotSend: 'CannotSend',
  /** Event (Warning): a device failed for good. */
  DeviceFailed: 'DeviceFailed',
} as const;
/** One of the Rollout reasons. */
export type RolloutReason = (typeof RolloutReason)[keyof typeof RolloutReason];

/** CRD definition of Rollout. */
export const rolloutDefinition: KindDefinition = {
  names: RolloutResource,
  description:
    'An over-the-air update of selected devices to one Firmware, in waves of growing percentages, that aborts ' +
    'itself when too many devices fail.',
  spec: RolloutSpecSchema,
  status: RolloutStatusSchema,
  printerColumns: [
    { name: 'Firmware', type: 'string', jsonPath: '.spec.firmwareRef.name', description: 'Firmware being rolled out.' },
    { name: 'Phase', type: 'string', jsonPath: '.status.phase', description: 'Pending, Planned, Progressing, WaveApproval, Paused, Succeeded or Aborted.' },
    { name: 'Wave', type: 'integer', jsonPath: '.status.currentWave', description: 'Wave in progress (from 1).' },
    { name: 'Succeeded', type: 'integer', jsonPath: '.status.counts.succeeded', description: 'Devices updated.' },
    { name: 'Failed', type: 'integer', jsonPath: '.status.counts.failed', description: 'Devices failed.' },
    { name: 'Total', type: 'integer', jsonPath: '.status.counts.total', description: 'Devices selected.', priority: 1 },
    {
      name: 'In Progress',
      type: 'integer',
      jsonPath: '.status.counts.inProgress',
      description: 'Devices updating now.',
      priority: 1,
    },
    { name: 'Paused', type: 'boolean', jsonPath: '.spec.paused', description: 'spec.paused.', priority: 1 },
    AGE_COLUMN,
  ],
};
