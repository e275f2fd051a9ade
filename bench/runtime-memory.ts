import { readdirSync, readFileSync } from "node:fs";

/** Peak resident memory (VmHWM) of the workerd processes this process started, in MiB. */
export function workerdPeakMiB(): number {
  let peakKiB = 0;
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      const parent = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]);
      if (!/^Name:\s+workerd/m.test(status) || parent !== process.pid) continue;
      peakKiB = Math.max(peakKiB, Number(/^VmHWM:\s+(\d+)/m.exec(status)?.[1] ?? 0));
    } catch {
      // the process ended while we looked
    }
  }
  return Math.round(peakKiB / 1024);
}
