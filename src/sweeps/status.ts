/** `nlbgk sweep status DIR`: points by state, from the run and point directories (every backend). */
import { readSweep, type Sweep } from './manifest.js';
import { pointStatus, POINT_STATES, type PointState } from './state.js';

export interface SweepStatus {
  name: string;
  total: number;
  counts: Record<PointState, number>;
  /** The most recent failures (index, id, message), at most 5. */
  failures: { i: number; id: string; message: string }[];
  /** Running points and who holds them. */
  running: { i: number; id: string; holder: string }[];
}

export function sweepStatus(sweepOrDir: Sweep | string): SweepStatus {
  const sweep = typeof sweepOrDir === 'string' ? readSweep(sweepOrDir) : sweepOrDir;
  const counts = Object.fromEntries(POINT_STATES.map((s) => [s, 0])) as Record<PointState, number>;
  const failures: SweepStatus['failures'] = [];
  const running: SweepStatus['running'] = [];
  for (const p of sweep.points) {
    const st = pointStatus(sweep.dir, p.id);
    counts[st.state]++;
    if (st.state === 'failed') failures.push({ i: p.i, id: p.id, message: (st.run?.status === 'failed' ? st.run.error : st.lastAttempt?.message) ?? 'failed' });
    if (st.state === 'running') running.push({ i: p.i, id: p.id, holder: st.lockOwner ? `pid ${st.lockOwner.pid} on ${st.lockOwner.host}` : 'a process' });
  }
  return { name: sweep.meta.name, total: sweep.points.length, counts, failures: failures.slice(-5), running };
}
