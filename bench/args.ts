/** Command-line helpers shared by the bench scripts run on their own (`node dist/bench/<name>.js ...`). */
import * as os from 'node:os';

/** The numbers after `flag` (comma-separated), or undefined when the flag is absent. */
export function listArg(args: string[], flag: string): number[] | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1].split(',').map(Number) : undefined;
}

/** "load average a b c on n cores": printed with every set of figures (the machine is shared). */
export function loadLine(): string {
  return `load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} on ${os.cpus().length} cores`;
}
