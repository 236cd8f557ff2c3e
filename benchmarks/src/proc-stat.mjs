/* global process */
// CPU accounting from Linux's /proc: how much CPU other processes used while the suite ran, and
// how much of a job's wall time its main thread was on a core. Everything is null off Linux.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

function read(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** Clock ticks per second of /proc's counters (USER_HZ; 100 on every common Linux). */
function clockTicks() {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isInteger(ticks) && ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
}
let ticksPerSecond = null;

/**
 * CPU seconds of a /proc/<pid>[/task/<tid>]/stat file: its own (utime + stime) and that of its
 * waited-for children (cutime + cstime). The fields are counted after the `)` closing the
 * command name, which may itself hold spaces.
 */
function taskSeconds(path) {
  const text = read(path);
  if (text === null) return null;
  ticksPerSecond ??= clockTicks();
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ').map(Number);
  // Fields 14 to 17 of proc(5), counted from field 3 (the state) here.
  const [utime, stime, cutime, cstime] = fields.slice(11, 15);
  return { own: (utime + stime) / ticksPerSecond, children: (cutime + cstime) / ticksPerSecond };
}

/** Busy CPU seconds of the whole machine: every state but idle and iowait (guest is in user). */
function machineBusySeconds() {
  const text = read('/proc/stat');
  if (text === null) return null;
  ticksPerSecond ??= clockTicks();
  const [user, nice, system, , , irq, softirq, steal = 0] = text.split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  // Steal is time the hypervisor gave to other guests: it slows the suite like a neighbour does.
  return (user + nice + system + irq + softirq + steal) / ticksPerSecond;
}

/**
 * A point in time for {@link otherCores}: wall time, the machine's busy CPU seconds and those of
 * this process plus its finished (waited-for) child processes.
 */
export function cpuSnapshot() {
  const self = taskSeconds('/proc/self/stat');
  return { wall: performance.now() / 1000, busy: machineBusySeconds(), ours: self === null ? null : self.own + self.children };
}

/**
 * Cores that processes other than this one and its children kept busy on average between two
 * snapshots (0.5 = half a core), or null off Linux. Children count once they have exited.
 */
export function otherCores(from, to) {
  if (from.busy === null || to.busy === null || from.ours === null || to.ours === null) return null;
  const others = to.busy - from.busy - (to.ours - from.ours);
  return Math.max(0, others) / (to.wall - from.wall);
}

/**
 * CPU seconds of this process's main thread alone, or null off Linux. The process's total
 * (`process.cpuUsage()`) also counts V8's garbage-collector and compiler threads.
 */
export function mainThreadSeconds() {
  return taskSeconds(`/proc/self/task/${process.pid}/stat`)?.own ?? null;
}
