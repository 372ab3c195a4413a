// Which fwmark backend suits a host (the default when the config names none): iptables where the host's firewall is
// iptables (its `iptables` alternative is iptables-legacy, or netfilter-persistent loads saved iptables rules at
// boot), nftables everywhere else (Debian's default framework, whose iptables is the nft-based one).
import type { Fact } from "./fact";

export const firewallBackend: Fact<string | null> = {
  id: "firewall",
  command: [
    "echo \"iptables $(readlink -f /usr/sbin/iptables 2>/dev/null || echo none)\"",
    "if [ -e /usr/sbin/netfilter-persistent ]; then echo 'netfilter-persistent yes'; else echo 'netfilter-persistent no'; fi",
  ].join("; "),
  parse(stdout) {
    const binary = /^iptables (\S+)$/m.exec(stdout)?.[1];
    const persistent = /^netfilter-persistent (yes|no)$/m.exec(stdout)?.[1];
    if (binary === undefined || persistent === undefined) return null;
    return /legacy/.test(binary) || persistent === "yes" ? "iptables" : "nftables";
  },
};
