// What a process costs over a bench's window, read from Linux's /proc.
const CLK_TCK = 100; // Linux USER_HZ (`getconf CLK_TCK`): the unit of utime/stime in /proc

/** CPU ticks (utime + stime of every thread) and RSS of a process, from /proc. */
export function procSample(pid: number): { ticks: number; rssKb: number; hwmKb: number } {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // f[0] is field 3 (state)
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const kb = (key: string) => Number(status.match(new RegExp(`${key}:\\s+(\\d+)`))?.[1] ?? NaN);
  return { ticks: Number(f[11]) + Number(f[12]), rssKb: kb("VmRSS"), hwmKb: kb("VmHWM") };
}

/** A process's cost over a window: CPU % of one core, peak (VmHWM) and final RSS in MB. */
export interface Usage {
  cpu: number;
  peakMb: number;
  endMb: number;
}

/** Starts watching a process; the function returned ends the window and gives its usage. */
export function meter(pid: number): () => Usage {
  const t0 = performance.now(), s0 = procSample(pid);
  return () => {
    const s1 = procSample(pid), wall = (performance.now() - t0) / 1000;
    return {
      cpu: ((s1.ticks - s0.ticks) / CLK_TCK / wall) * 100,
      peakMb: s1.hwmKb / 1024,
      endMb: s1.rssKb / 1024,
    };
  };
}
