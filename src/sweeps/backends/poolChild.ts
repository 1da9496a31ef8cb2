/**
 * A runner of the local backend's pool mode (forked by local.ts): receives {dir, i, retryFailed}
 * over IPC, runs the point in this process through `runPoint` (the same path as every backend)
 * and answers with its result. Exits when the parent disconnects.
 */
import { readSweep, type Sweep } from '../manifest.js';
import { runPoint } from '../point.js';
import { inProcessExecutor } from '../executors.js';

const executor = inProcessExecutor();
let sweep: Sweep | null = null;

process.on('message', async (m: { dir: string; i: number; retryFailed: boolean }) => {
  try {
    if (!sweep || sweep.dir !== m.dir) sweep = readSweep(m.dir);
    const r = await runPoint(sweep, m.i, { executor, retryFailed: m.retryFailed, backend: 'pool' });
    delete r.problem;
    delete r.error;
    process.send!({ result: r });
  } catch (err) {
    process.send!({ fatal: `point ${m.i}: ${(err as Error).message}` });
  }
});
process.on('disconnect', () => process.exit(0));
