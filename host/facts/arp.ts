// ARP behaviour of a DR real server: arp_ignore / arp_announce for `all` and the serving interface (given, or the
// one routing toward `toward`, a director), and the kernel's effective value, max(all, interface).
import type { Fact } from "./fact";
import { sh } from "../quote";

export interface ArpValues {
  arpIgnore: number | null;
  arpAnnounce: number | null;
}

export interface ArpSettings {
  interface: string | null;
  all: ArpValues;
  device: ArpValues;
  effective: ArpValues;
}

export function arpSettings(device: string | null, toward: string): Fact<ArpSettings> {
  const pick = device
    ? `dev=${sh(device)}`
    : `dev=$(ip -o route get ${sh(toward)} | sed -n 's/.* dev \\([^ ]*\\).*/\\1/p')`;
  return {
    id: "arp",
    command: `${pick}; echo "dev=$dev"; for s in all $dev; do for k in arp_ignore arp_announce; do echo "$s.$k=$(cat /proc/sys/net/ipv4/conf/$s/$k)"; done; done`,
    parse(stdout) {
      const kv = new Map<string, string>();
      for (const line of stdout.split("\n")) {
        const i = line.indexOf("=");
        if (i > 0) kv.set(line.slice(0, i).trim(), line.slice(i + 1).trim());
      }
      const iface = kv.get("dev") || null;
      const num = (k: string) => (kv.has(k) && /^\d+$/.test(kv.get(k)!) ? Number(kv.get(k)) : null);
      const values = (scope: string | null): ArpValues =>
        scope ? { arpIgnore: num(`${scope}.arp_ignore`), arpAnnounce: num(`${scope}.arp_announce`) } : { arpIgnore: null, arpAnnounce: null };
      const all = values("all");
      const dev = values(iface);
      const max = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));
      return { interface: iface, all, device: dev, effective: { arpIgnore: max(all.arpIgnore, dev.arpIgnore), arpAnnounce: max(all.arpAnnounce, dev.arpAnnounce) } };
    },
  };
}
