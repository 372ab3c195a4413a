// CPU used on the controlling machine by child process trees, from the kernel's own accounting.
import * as fs from "node:fs";

/**
 * CPU milliseconds (user + system) of this process's children that have exited and been waited for, each with the
 * descendants it waited for: /proc/self/stat cutime + cstime (clock ticks, USER_HZ = 100 on Linux).
 */
export function childrenCpuMs(stat = fs.readFileSync("/proc/self/stat", "utf8")): number {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // fields[0] is field 3 (state) of proc(5): cutime is field 16, cstime field 17.
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100;
}
