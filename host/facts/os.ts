// OS family and package manager, from /etc/os-release.
import type { Fact } from "./fact";

export interface OsInfo {
  id: string;
  versionId: string;
  family: "debian" | "redhat" | "unknown";
  packageManager: "apt" | "dnf" | "unknown";
}

export const osInfo: Fact<OsInfo> = {
  id: "os",
  command: "cat /etc/os-release",
  parse(stdout) {
    const kv = new Map<string, string>();
    for (const line of stdout.split("\n")) {
      const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
      if (m) kv.set(m[1], m[2].replace(/^"(.*)"$/, "$1"));
    }
    const id = kv.get("ID") ?? "";
    const like = `${id} ${kv.get("ID_LIKE") ?? ""}`;
    const family = /debian|ubuntu/.test(like) ? "debian" : /rhel|fedora|centos/.test(like) ? "redhat" : "unknown";
    return { id, versionId: kv.get("VERSION_ID") ?? "", family, packageManager: family === "debian" ? "apt" : family === "redhat" ? "dnf" : "unknown" };
  },
};
