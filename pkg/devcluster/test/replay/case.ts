/** The case format of the recorded kube-apiserver corpus (see ../kube-apiserver/README.md). */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonMap = { [key: string]: Json };

/** One projection of an answer body (`extract`). */
export interface Extract {
  path: string[];
  as?: 'value' | 'exists' | 'type' | 'length' | 'keys' | 'find';
  filter?: string;
  by?: string;
  eq?: Json;
}

export type Mutation = 'spec' | 'badmac' | 'spec+status' | 'data' | 'renew';

/** A request step (also the shape of a watch step's `during` entries). */
export interface RequestSpec {
  m?: string;
  p: string;
  q?: Record<string, string | string[]>;
  h?: Record<string, string>;
  b?: Json;
  mutate?: Mutation;
  save?: Record<string, string>;
  extract?: Extract[];
  compare?: 'status';
  before?: number;
  sleepMs?: number;
  noAuth?: boolean;
}

export interface WatchSpec {
  watch: { p: string; q?: Record<string, string | string[]>; h?: Record<string, string> };
  during?: RequestSpec[];
  settleMs?: number;
  collectMs?: number;
  expectEnd?: boolean;
  before?: number;
  sleepMs?: number;
  noAuth?: boolean;
}

export interface WatchEventRecord {
  type: string;
  kind?: Json;
  name?: Json;
  annotations?: Json;
  object?: Json;
}

export interface RequestExpect {
  status: number;
  headers?: Record<string, string>;
  body?: Json;
  compare?: 'status';
}

export interface WatchExpect {
  watch: true;
  status: number;
  headers?: Record<string, string>;
  events?: WatchEventRecord[];
  during?: { status: number }[];
  body?: Json;
  endedByServer?: boolean;
}

export interface Step {
  request: RequestSpec | WatchSpec;
  expect: RequestExpect | WatchExpect;
}

export interface Case {
  id: string;
  category: string;
  title: string;
  recordedWith: { gitVersion: string };
  namespaced?: boolean;
  ns2?: boolean;
  cleanup?: string[];
  steps: Step[];
}

export function isWatchSpec(r: RequestSpec | WatchSpec): r is WatchSpec {
  return 'watch' in r;
}

export function isMap(v: unknown): v is JsonMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
