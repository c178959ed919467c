import { Type, type Static } from '@sinclair/typebox';
import {
  AGE_COLUMN,
  Conditions,
  IntOrString,
  LabelSelector,
  LocalObjectReference,
  ObservedGeneration,
  StringEnum,
  resourceNames,
  type KindDefinition,
  type KubeflashObject,
} from './common';

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

/** spec.strategy of a Rollout. */
export const RolloutStrategySchema = Type.Object(
  {
    waves: Type.Optional(
      Type.Array(Type.Integer({ minimum: 1, maximum: 100 }), {
        description:
          'Cumulative percentages of the selected devices updated by the end of each wave, strictly ascending ' +
          '(e.g. [2, 25, 100]); the rollout ends after the last wave, so end with 100 to update every device.',
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
    deviceTimeoutSeconds: Type.Optional(
      Type.Integer({
        description: 'A device that has not reported success this long after its command counts as failed.',
        default: 1800,
        minimum: 60,
        maximum: 604800,
      }),
    ),
    abort: Type.Optional(
      Type.Object(
        {
          failurePercent: Type.Optional(
            Type.Integer({
              description: 'Abort when more than this percentage of the finished devices failed; 100 never aborts.',
              default: 20,
              minimum: 0,
              maximum: 100,
            }),
          ),
          minFinished: Type.Optional(
            Type.Integer({
              description: 'Failure percentage is judged only once at least this many devices finished.',
              default: 5,
              minimum: 1,
              maximum: 100000,
            }),
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

/** spec of a Rollout. */
export const RolloutSpecSchema = Type.Object({
  firmwareRef: LocalObjectReference('The Firmware to install; it must be Ready.'),
  selector: Type.Optional(
    LabelSelector(
      "Devices of the firmware's DeviceClass to update; omitted or empty selects every Device of that class in the namespace.",
    ),
  ),
  strategy: Type.Optional(RolloutStrategySchema),
  paused: Type.Optional(
    Type.Boolean({ description: 'Stop sending new update commands; updates in flight finish.', default: false }),
  ),
});
/** spec of a Rollout. */
export type RolloutSpec = Static<typeof RolloutSpecSchema>;

/** Phases of a Rollout. */
export const RolloutPhase = {
  /** Waiting for the Firmware to become Ready. */
  Pending: 'Pending',
  /** Waves are being rolled out. */
  Progressing: 'Progressing',
  /** spec.paused is true. */
  Paused: 'Paused',
  /** The last wave finished without crossing the abort threshold. */
  Succeeded: 'Succeeded',
  /** The abort threshold was crossed; no new commands are sent. */
  Aborted: 'Aborted',
} as const;
/** One of the Rollout phases. */
export type RolloutPhase = (typeof RolloutPhase)[keyof typeof RolloutPhase];

const count = (description: string) => Type.Optional(Type.Integer({ description, minimum: 0 }));

/** status of a Rollout. */
export const RolloutStatusSchema = Type.Object({
  observedGeneration: Type.Optional(ObservedGeneration()),
  phase: Type.Optional(
    StringEnum(Object.values(RolloutPhase), {
      description: 'Pending, Progressing, Paused, Succeeded or Aborted.',
    }),
  ),
  currentWave: Type.Optional(
    Type.Integer({ description: 'Wave in progress, counted from 1; 0 before the first.', minimum: 0, maximum: MAX_WAVES }),
  ),
  counts: Type.Optional(
    Type.Object(
      {
        total: count('Devices selected.'),
        pending: count('Devices not yet sent a command.'),
        inProgress: count('Devices updating now.'),
        succeeded: count('Devices that run the new firmware.'),
        failed: count('Devices whose update failed, rolled back or timed out.'),
      },
      { description: 'Devices by update state.' },
    ),
  ),
  startTime: Type.Optional(Type.String({ description: 'When the first command was sent.', format: 'date-time' })),
  completionTime: Type.Optional(Type.String({ description: 'When the rollout succeeded or aborted.', format: 'date-time' })),
  message: Type.Optional(Type.String({ description: 'Details of the phase.', maxLength: 32768 })),
  conditions: Type.Optional(Conditions()),
});
/** status of a Rollout. */
export type RolloutStatus = Static<typeof RolloutStatusSchema>;

/** An over-the-air update of selected devices to one Firmware, in waves, with automatic abort. */
export type Rollout = KubeflashObject<'Rollout', RolloutSpec, RolloutStatus>;

/** Condition types of a Rollout. */
export const RolloutConditionType = {
  /** True while the rollout sends commands or waits for devices: the Firmware is Ready, not paused, not finished. */
  Progressing: 'Progressing',
  /** True when spec.paused is true (updates in flight still finish). */
  Paused: 'Paused',
  /** True when the last wave finished without crossing the abort threshold (counts.failed may be non-zero). */
  Succeeded: 'Succeeded',
  /** True when more than abort.failurePercent of at least abort.minFinished finished devices failed. */
  Aborted: 'Aborted',
} as const;
/** One of the Rollout condition types. */
export type RolloutConditionType = (typeof RolloutConditionType)[keyof typeof RolloutConditionType];

/** Reasons of Rollout conditions (and of the Events that mirror them). */
export const RolloutReason = {
  /** Progressing=False: the Firmware is missing or not Ready. */
  FirmwareNotReady: 'FirmwareNotReady',
  /** Progressing=False: the selector matches no Device of the firmware's class. */
  NoDevicesMatched: 'NoDevicesMatched',
  /** Progressing=True: a wave is in progress. */
  WaveInProgress: 'WaveInProgress',
  /** Progressing=True: a wave finished and the next one started. */
  WaveCompleted: 'WaveCompleted',
  /** Paused=True (and Progressing=False): spec.paused is true. */
  PausedByUser: 'PausedByUser',
  /** Paused=False: spec.paused is false. */
  Resumed: 'Resumed',
  /** Succeeded=True (and Progressing=False): every wave finished. */
  AllWavesCompleted: 'AllWavesCompleted',
  /** Aborted=True (and Progressing=False): the failure threshold was crossed. */
  FailureThresholdExceeded: 'FailureThresholdExceeded',
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
    { name: 'Phase', type: 'string', jsonPath: '.status.phase', description: 'Pending, Progressing, Paused, Succeeded or Aborted.' },
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
