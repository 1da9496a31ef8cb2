/** Messages between the page and its workers (the solver worker and the eps-sweep worker). */
import type { Config } from '../config/schema.js';
import type { ConfigIssue } from '../config/validate.js';
import type { EngineMeta, Frame } from './engine.js';
import type { SweepPoint } from './sweep.js';

export type ToWorker =
  | { type: 'init'; config: Config; speed: number; play: boolean }
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'step' }
  | { type: 'speed'; speed: number }
  /** The page has drawn the last frame: the worker may send the next one (flow control). */
  | { type: 'ack' };

export type FromWorker =
  | { type: 'ready'; meta: EngineMeta; frame: Frame }
  | { type: 'frame'; frame: Frame; playing: boolean }
  | { type: 'error'; issues: ConfigIssue[] };

/** The eps sweep: kinetic runs of `config` at each eps to time T against the limit run. */
export type ToSweep = { type: 'run'; config: Config; eps: number[]; time: number };

export type FromSweep =
  | { type: 'limit'; steps: number; seconds: number }
  | { type: 'point'; index: number; point: SweepPoint }
  | { type: 'done' }
  | { type: 'error'; message: string };
