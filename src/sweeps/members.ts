/**
 * Configs run as a sweep: the studies' members (and any library caller with a list of configs)
 * go through the same plan → run-point → run directory path as `nlbgk sweep`, in process (the
 * local backend's in-process mode), so a study member is exactly a sweep point.
 */
import { planConfigs, writePlan } from './plan.js';
import { readSweep, runDir } from './manifest.js';
import { runLocal } from './backends/local.js';
import type { PointResult } from './point.js';

export interface MemberRun {
  id: string;
  runDir: string;
  result: PointResult;
}

/**
 * Plan `configs` into the sweep directory `dir` (new, empty, or planned by an earlier call) and
 * run them one after the other in this process. Equal configs share one run. An invalid config
 * throws its ConfigError before anything is written.
 */
export async function runMembers(configs: readonly unknown[], dir: string, name = 'members'): Promise<MemberRun[]> {
  const plan = planConfigs(name, configs);
  writePlan(dir, plan);
  const sweep = readSweep(dir);
  const { results } = await runLocal(sweep, { mode: 'in-process', jobs: 1 });
  const byIndex = new Map(results.map((r) => [r.i, r]));
  return plan.indexOf.map((k) => {
    const id = plan.points[k].id;
    return { id, runDir: runDir(sweep.dir, id), result: byIndex.get(k)! };
  });
}
