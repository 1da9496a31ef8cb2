/**
 * The solver worker: owns the Engine (the library's solvers) so that no step ever runs on the UI
 * thread. Flow control: at most one frame is in flight; while the page draws it, the worker
 * already computes the next one (`speed` steps), and sends it when the page acknowledges.
 */
import { ConfigError } from '../config/validate.js';
import { Engine, type Frame } from './engine.js';
import type { FromWorker, ToWorker } from './protocol.js';

interface WorkerScope {
  postMessage(message: FromWorker, transfer: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
}
const scope = self as unknown as WorkerScope;

let engine: Engine | null = null;
let playing = false;
let speed = 1;
let inFlight = false;
let pending: Frame | null = null;
let scheduled = false;

function transfers(frame: Frame): Transferable[] {
  const list: Transferable[] = [frame.rho.buffer];
  if (frame.limitRho) list.push(frame.limitRho.buffer);
  if (frame.h) list.push(frame.h.buffer);
  return list;
}

function send(frame: Frame): void {
  inFlight = true;
  if (frame.done) playing = false;
  scope.postMessage({ type: 'frame', frame, playing }, transfers(frame));
}

/** Post the pending frame if the page is ready; compute the next one ahead while playing. */
function pump(): void {
  scheduled = false;
  if (!engine) return;
  if (pending && !inFlight) {
    send(pending);
    pending = null;
  }
  if (!pending && playing && !engine.done) {
    pending = engine.advance(speed);
    if (!inFlight) schedule();
  }
}

function schedule(): void {
  if (!scheduled) {
    scheduled = true;
    setTimeout(pump, 0); // let queued messages (pause, new settings) in between chunks
  }
}

scope.onmessage = (event) => {
  const msg = event.data;
  switch (msg.type) {
    case 'init': {
      engine = null;
      pending = null;
      inFlight = false;
      speed = msg.speed;
      try {
        engine = new Engine(msg.config);
      } catch (err) {
        const issues = err instanceof ConfigError ? [...err.issues] : [{ path: '', message: err instanceof Error ? err.message : String(err) }];
        scope.postMessage({ type: 'error', issues }, []);
        return;
      }
      const frame = engine.frame();
      inFlight = true;
      playing = msg.play;
      scope.postMessage({ type: 'ready', meta: engine.meta, frame }, transfers(frame));
      return;
    }
    case 'play':
      playing = true;
      schedule();
      return;
    case 'pause':
      playing = false;
      schedule();
      return;
    case 'step':
      playing = false;
      if (engine && !pending && !engine.done) pending = engine.advance(1);
      schedule();
      return;
    case 'speed':
      speed = msg.speed;
      return;
    case 'ack':
      inFlight = false;
      schedule();
      return;
  }
};
