/**
 * Linux /proc figures for the benchmark: Chromium's processes under this one by type, their memory,
 * and CPU time (user + system) of any process, so figures from a busy machine can be read as work done
 * rather than only as wall time.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** The processes under rootPid (itself included). */
function descendants(rootPid: number): Set<number> {
  const rows = execFileSync('ps', ['-e', '-o', 'pid=,ppid=']).toString().trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
  const found = new Set([rootPid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of rows) if (found.has(ppid) && !found.has(pid)) (found.add(pid), (grew = true));
  }
  return found;
}

/** Chromium's processes under rootPid, by type ('browser', 'renderer', 'gpu-process', …). */
export function chromiumProcesses(rootPid: number): { pid: number; type: string }[] {
  const out: { pid: number; type: string }[] = [];
  for (const pid of descendants(rootPid)) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.includes('chromium')) out.push({ pid, type: /--type=([a-z-]+)/.exec(cmd)?.[1] ?? 'browser' });
    } catch {
      // the process ended meanwhile
    }
  }
  return out;
}

/** Resident and proportional memory by Chromium process type. */
export function chromiumMemory(rootPid: number): Record<string, { rssMB: number; pssMB: number }> {
  const out: Record<string, { rssMB: number; pssMB: number }> = {};
  for (const { pid, type } of chromiumProcesses(rootPid)) {
    try {
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(rollup)?.[1] ?? 0);
      const prev = out[type] ?? { rssMB: 0, pssMB: 0 };
      out[type] = { rssMB: prev.rssMB + kb('Rss') / 1024, pssMB: prev.pssMB + kb('Pss') / 1024 };
    } catch {
      // the process ended meanwhile
    }
  }
  return out;
}

/** CPU time (user + system) a process has used so far, in ms; 0 when it is gone. */
export function cpuMs(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    // Fields after the command's closing parenthesis: state is field 3, utime 14, stime 15.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** CPU ms of named groups of processes, to subtract one reading from a later one. */
export function cpuByGroup(groups: Record<string, (number | undefined)[]>): Record<string, number> {
  return Object.fromEntries(Object.entries(groups).map(([name, pids]) => [name, pids.reduce((sum: number, pid) => sum + cpuMs(pid), 0)]));
}

export function cpuSince(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([name, ms]) => [name, Math.round(ms - (before[name] ?? 0))]));
}

/** The highest peak resident memory (VmHWM, MB) among these processes: each one's own peak since it started. */
export function peakRssMB(pids: readonly number[]): number {
  let peak = 0;
  for (const pid of pids) {
    try {
      const kb = Number(/^VmHWM:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
      peak = Math.max(peak, kb / 1024);
    } catch {
      // the process ended meanwhile
    }
  }
  return peak;
}
