/** Messages between the page and its solver worker. */
import type { Config } from '../config/schema.js';
import type { ConfigIssue } from '../config/validate.js';
import type { EngineMeta, Frame } from './engine.js';

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
