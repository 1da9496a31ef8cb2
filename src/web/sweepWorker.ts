/**
 * The eps-sweep worker: runs the limit equation and then the kinetic equation at each eps to time T
 * (./sweep.ts), posting each point as it is done. Separate from the solver worker, so the live run
 * goes on while a sweep runs; the page cancels a sweep by terminating this worker.
 */
import type { FromSweep, ToSweep } from './protocol.js';
import { sweepLimit, sweepPoint } from './sweep.js';

interface WorkerScope {
  postMessage(message: FromSweep): void;
  onmessage: ((event: MessageEvent<ToSweep>) => void) | null;
}
const scope = self as unknown as WorkerScope;

scope.onmessage = (event) => {
  const { config, eps, time } = event.data;
  try {
    const t0 = performance.now();
    const limit = sweepLimit(config, time);
    scope.postMessage({ type: 'limit', steps: limit.steps, seconds: (performance.now() - t0) / 1000 });
    eps.forEach((e, index) => scope.postMessage({ type: 'point', index, point: sweepPoint(config, e, time, limit.rho) }));
    scope.postMessage({ type: 'done' });
  } catch (err) {
    scope.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
};
