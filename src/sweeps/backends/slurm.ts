/**
 * The SLURM backend: nlbgk writes, SLURM runs. A submission DIR/slurm/<n>/ holds
 *
 *   points.txt      the manifest indices of the points to run, one per line
 *   array.sbatch    the job-array script: task k of a chunk starting at line OFFSET (its argument)
 *                   runs `nlbgk sweep run-point DIR INDEX` for line OFFSET + k + 1
 *   collect.sbatch  `nlbgk sweep collect DIR`, submitted with --dependency=afterany on every chunk
 *   submit.sh       the sbatch commands (what --submit runs; for submitting by hand)
 *   logs/           %x_%A_%a.out per task (%A array job id, %a task index), the collect job's log
 *
 * Arrays are split into chunks of the cluster's MaxArraySize (task indices 0 … MaxArraySize − 1,
 * read from `scontrol show config`), throttled with `%K` when asked. run-point is idempotent:
 * resubmitting anything only runs what is not done.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLI_MAIN } from '../executors.js';
import { readSweep, type Sweep } from '../manifest.js';
import { pointStatus } from '../state.js';

export interface SlurmOptions {
  /** Largest array size (task indices 0 … n − 1); default: MaxArraySize of the cluster, else 1001. */
  maxArraySize?: number;
  /** At most this many tasks of one array at a time (`--array=0-N%K`). */
  throttle?: number;
  partition?: string;
  account?: string;
  /** Wall time per task, SLURM syntax (e.g. 2:00:00). */
  time?: string;
  cpusPerTask?: number;
  mem?: string;
  /** Seconds before the time limit at which the task gets SIGTERM (checkpoint and stop); with `time`. */
  signalBefore?: number;
  retryFailed?: boolean;
  /** The node binary on the compute nodes (default: this one; NLBGK_NODE overrides at run time). */
  node?: string;
}

export interface SlurmSubmission {
  dir: string;
  points: number[];
  chunks: { offset: number; count: number }[];
  files: { points: string; array: string; collect: string; submit: string; logs: string };
  /** The sbatch argument lists, in order (chunks, then the collect job whose dependency is added at submission). */
  commands: string[][];
}

/** Cluster limits from `scontrol show config` (null when scontrol is missing or fails). */
export function slurmLimits(env: NodeJS.ProcessEnv = process.env): { maxArraySize: number; maxJobCount: number } | null {
  try {
    const out = execFileSync('scontrol', ['show', 'config'], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 20_000 });
    const get = (k: string) => Number(out.match(new RegExp(`^${k}\\s*=\\s*(\\d+)`, 'm'))?.[1]);
    const maxArraySize = get('MaxArraySize');
    const maxJobCount = get('MaxJobCount');
    return Number.isFinite(maxArraySize) ? { maxArraySize, maxJobCount: Number.isFinite(maxJobCount) ? maxJobCount : Infinity } : null;
  } catch {
    return null;
  }
}

/** Split `n` tasks into arrays of at most `maxArraySize` tasks (indices 0 … maxArraySize − 1). */
export function chunks(n: number, maxArraySize: number): { offset: number; count: number }[] {
  const size = Math.max(1, Math.floor(maxArraySize));
  const out: { offset: number; count: number }[] = [];
  for (let offset = 0; offset < n; offset += size) out.push({ offset, count: Math.min(size, n - offset) });
  return out;
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function nextSubmissionDir(sweepDir: string): string {
  const root = path.join(sweepDir, 'slurm');
  fs.mkdirSync(root, { recursive: true });
  const n = fs
    .readdirSync(root)
    .map((d) => Number(d))
    .filter((x) => Number.isInteger(x));
  const dir = path.join(root, String((n.length ? Math.max(...n) : 0) + 1).padStart(3, '0'));
  fs.mkdirSync(path.join(dir, 'logs'), { recursive: true });
  return dir;
}

/** The points to submit: all that are not done (nor failed, unless retryFailed). */
export function pointsToSubmit(sweep: Sweep, retryFailed = false): number[] {
  return sweep.points
    .filter((p) => {
      const s = pointStatus(sweep.dir, p.id).state;
      return s !== 'done' && (s !== 'failed' || retryFailed);
    })
    .map((p) => p.i);
}

/** Write a submission for `points` (manifest indices); nothing is submitted. */
export function writeSlurmSubmission(sweepOrDir: Sweep | string, points: number[], options: SlurmOptions = {}): SlurmSubmission {
  const sweep = typeof sweepOrDir === 'string' ? readSweep(sweepOrDir) : sweepOrDir;
  const maxArraySize = options.maxArraySize ?? slurmLimits()?.maxArraySize ?? 1001;
  const dir = nextSubmissionDir(sweep.dir);
  const logs = path.join(dir, 'logs');
  const node = options.node ?? process.execPath;
  const name = `nlbgk-${sweep.meta.name}`.slice(0, 60);
  const headers = (extra: string[]) =>
    [
      '#!/bin/bash',
      ...extra,
      ...(options.partition ? [`#SBATCH --partition=${options.partition}`] : []),
      ...(options.account ? [`#SBATCH --account=${options.account}`] : []),
      ...(options.time ? [`#SBATCH --time=${options.time}`] : []),
    ].join('\n');
  const pointsFile = path.join(dir, 'points.txt');
  fs.writeFileSync(pointsFile, points.map(String).join('\n') + (points.length ? '\n' : ''));

  const arrayFile = path.join(dir, 'array.sbatch');
  fs.writeFileSync(
    arrayFile,
    `${headers([
      `#SBATCH --job-name=${name}`,
      `#SBATCH --output=${logs}/%x_%A_%a.out`,
      `#SBATCH --cpus-per-task=${options.cpusPerTask ?? 1}`,
      ...(options.mem ? [`#SBATCH --mem=${options.mem}`] : []),
      ...(options.time ? [`#SBATCH --signal=B:TERM@${options.signalBefore ?? 300}`] : []),
    ])}
# nlbgk sweep ${sweep.meta.name}: one point per array task (docs/sweeps.md).
# Usage: sbatch --array=0-<count-1>[%<throttle>] ${arrayFile} OFFSET
# Task k runs the point on line OFFSET + k + 1 of points.txt. run-point skips done points,
# resumes interrupted ones and exits 0 when another process holds the point.
set -euo pipefail
OFFSET="\${1:?usage: sbatch --array=0-N array.sbatch OFFSET}"
LINE=$((OFFSET + SLURM_ARRAY_TASK_ID + 1))
INDEX=$(sed -n "\${LINE}p" ${q(pointsFile)})
if [ -z "$INDEX" ]; then echo "nlbgk: no point on line $LINE of ${pointsFile}" >&2; exit 2; fi
echo "nlbgk: array job \${SLURM_ARRAY_JOB_ID:-?} task $SLURM_ARRAY_TASK_ID: point $INDEX on $(hostname)"
exec "\${NLBGK_NODE:-${node}}" ${q(CLI_MAIN)} sweep run-point ${q(sweep.dir)} "$INDEX" --backend slurm --job "\${SLURM_ARRAY_JOB_ID:-}_\${SLURM_ARRAY_TASK_ID}"${options.retryFailed ? ' --retry-failed' : ''}
`,
  );
  const collectFile = path.join(dir, 'collect.sbatch');
  fs.writeFileSync(
    collectFile,
    `${headers([`#SBATCH --job-name=${name}-collect`, `#SBATCH --output=${logs}/%x_%j.out`, '#SBATCH --cpus-per-task=1'])}
# Gathers results.csv / results.parquet after the arrays (submitted with --dependency=afterany).
set -euo pipefail
exec "\${NLBGK_NODE:-${node}}" ${q(CLI_MAIN)} sweep collect ${q(sweep.dir)}
`,
  );
  const parts = chunks(points.length, maxArraySize);
  const commands = parts.map((c) => ['--parsable', `--array=0-${c.count - 1}${options.throttle ? `%${options.throttle}` : ''}`, arrayFile, String(c.offset)]);
  commands.push(['--parsable', collectFile]);
  const submitFile = path.join(dir, 'submit.sh');
  fs.writeFileSync(
    submitFile,
    [
      '#!/bin/bash',
      `# Submits ${points.length} points as ${parts.length} array job(s) of at most ${maxArraySize} tasks, then the collect job.`,
      'set -euo pipefail',
      'ids=()',
      ...parts.map((_, k) => `ids+=("$(sbatch ${commands[k].map(q).join(' ')} | cut -d';' -f1)")`),
      `dep=$(IFS=:; echo "\${ids[*]}")`,
      `sbatch --parsable --dependency=afterany:$dep ${q(collectFile)}`,
      'echo "array jobs: ${ids[*]}"',
      '',
    ].join('\n'),
  );
  for (const f of [arrayFile, collectFile, submitFile]) fs.chmodSync(f, 0o755);
  return { dir, points, chunks: parts, files: { points: pointsFile, array: arrayFile, collect: collectFile, submit: submitFile, logs }, commands };
}

export class SlurmError extends Error {}

/** Submit a written submission with sbatch: the arrays, then the collect job after all of them. */
export function submitSlurm(sub: SlurmSubmission, env: NodeJS.ProcessEnv = process.env): { arrayJobs: string[]; collectJob: string } {
  const sbatch = (args: string[]) => {
    const r = spawnSync('sbatch', args, { env, encoding: 'utf8', timeout: 60_000 });
    if (r.error) throw new SlurmError(`sbatch: ${(r.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found (is this a SLURM login node?); the scripts are in ' + sub.dir : r.error.message}`);
    if (r.status !== 0) throw new SlurmError(`sbatch ${args.join(' ')}: ${(r.stderr || r.stdout).trim()}`);
    return r.stdout.trim().split(';')[0];
  };
  const arrayJobs = sub.commands.slice(0, -1).map(sbatch);
  const collect = sub.commands[sub.commands.length - 1];
  const collectJob = sbatch([collect[0], `--dependency=afterany:${arrayJobs.join(':')}`, ...collect.slice(1)]);
  fs.writeFileSync(path.join(sub.dir, 'jobs.json'), JSON.stringify({ submitted: new Date().toISOString(), arrayJobs, collectJob, chunks: sub.chunks }, null, 2) + '\n');
  return { arrayJobs, collectJob };
}
