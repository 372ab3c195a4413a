// The kernel's IPVS table with connection counters: `ipvsadm -Ln`, or /proc/net/ip_vs (hex) when ipvsadm is absent.
// Read-only: when the ip_vs module is not loaded neither is run (ipvsadm would modprobe it), and `loaded` is false.
import type { Fact } from "./fact";
import { canonicalIp, formatIpv6 } from "../../core/model/ip";

export interface IpvsRealServer {
  address: string;
  port: number;
  /** Route (DR), Masq (NAT), Tunnel (TUN), Local. */
  forward: string;
  weight: number;
  activeConn: number;
  inactConn: number;
}

export interface IpvsService {
  protocol: "TCP" | "UDP" | "SCTP" | "FWM";
  /** "10.77.0.100:80", or the fwmark as a decimal string for FWM. */
  address: string;
  scheduler: string;
  /** Anything after the scheduler (persistent 300, mask …, ops). */
  flags: string;
  realServers: IpvsRealServer[];
}

export interface IpvsTable {
  loaded: boolean;
  services: IpvsService[];
}

const NOT_LOADED = "@@ip_vs-not-loaded";

export const ipvsTable: Fact<IpvsTable> = {
  id: "ipvs",
  command: `if [ ! -e /proc/net/ip_vs ]; then echo '${NOT_LOADED}'; elif command -v ipvsadm >/dev/null; then ipvsadm -Ln; else cat /proc/net/ip_vs; fi`,
  parse: parseIpvs,
};

function hexAddress(hex: string): string {
  if (/^[0-9A-Fa-f]{32}$/.test(hex)) return formatIpv6(BigInt(`0x${hex}`));
  if (!/^[0-9A-Fa-f]{8}$/.test(hex)) return hex;
  return [0, 2, 4, 6].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(".");
}

/**
 * "10.77.0.100:80", "0A4D0064:0050", "[fd77::100]:80" (ipvsadm) or "FD77…0100:0050" (/proc, 32 hex digits) →
 * address (IPv6 bare and canonical, as the model has it) and port.
 */
function endpoint(text: string): { address: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+):([0-9A-Fa-f]+)$/.exec(text);
  if (!m) return { address: text, port: 0 };
  const hex = /^([0-9A-Fa-f]{8}|[0-9A-Fa-f]{32})$/.test(m[1]) && /^[0-9A-Fa-f]{4}$/.test(m[2]);
  if (hex) return { address: hexAddress(m[1]), port: parseInt(m[2], 16) };
  // /proc/net/ip_vs prints IPv6 as `[%pI6]:%04X`: eight zero-padded groups and a hex port; ipvsadm (inet_ntop)
  // drops leading zeros and prints the port in decimal.
  const proc6 = /^\[[0-9A-Fa-f]{4}(:[0-9A-Fa-f]{4}){7}\]$/.test(m[1]) && /^[0-9A-Fa-f]{4}$/.test(m[2]);
  if (m[1].startsWith("[")) return { address: canonicalIp(m[1].slice(1, -1)), port: proc6 ? parseInt(m[2], 16) : Number(m[2]) };
  return { address: m[1], port: Number(m[2]) };
}

/** `VIP:PORT` as the table keys services: an IPv6 VIP in brackets, as ipvsadm writes it. */
export function serviceEndpoint(address: string, port: number | undefined): string {
  return `${address.includes(":") ? `[${address}]` : address}:${port}`;
}

export function parseIpvs(stdout: string): IpvsTable {
  if (stdout.includes(NOT_LOADED)) return { loaded: false, services: [] };
  const services: IpvsService[] = [];
  let sawHeader = false;
  for (const raw of stdout.split("\n")) {
    const line = raw.trim();
    if (line.startsWith("IP Virtual Server")) sawHeader = true;
    const svc = /^(TCP|UDP|SCTP|FWM)\s+(\S+)\s+(\S+)\s*(.*)$/.exec(line);
    if (svc) {
      const protocol = svc[1] as IpvsService["protocol"];
      let address: string;
      if (protocol === "FWM") address = String(/^[0-9A-Fa-f]{8}$/.test(svc[2]) ? parseInt(svc[2], 16) : Number(svc[2]));
      else {
        const e = endpoint(svc[2]);
        address = serviceEndpoint(e.address, e.port);
      }
      services.push({ protocol, address, scheduler: svc[3], flags: svc[4].trim(), realServers: [] });
      continue;
    }
    const rs = /^->\s+(\S+)\s+(\S+)\s+(-?\d+)\s+(\d+)\s+(\d+)$/.exec(line);
    if (rs && services.length > 0 && !/^RemoteAddress/.test(rs[1])) {
      const e = endpoint(rs[1]);
      services[services.length - 1].realServers.push({ address: e.address, port: e.port, forward: rs[2], weight: Number(rs[3]), activeConn: Number(rs[4]), inactConn: Number(rs[5]) });
    }
  }
  return { loaded: sawHeader, services };
}

/** The key status compares by: "TCP 10.77.0.100:80" or "FWM 1". */
export function ipvsKey(s: Pick<IpvsService, "protocol" | "address">): string {
  return `${s.protocol} ${s.address}`;
}
