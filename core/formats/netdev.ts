// Linux network interface names, which several files carry (keepalived `interface`/`dev`, sysctl keys under
// net.ipv4.conf.<name>, /sys/class/net/<name>): the kernel's own rules (net/core/dev.c dev_valid_name, and the
// devinet sysctl directory whose `all` and `default` entries no interface can take: `ip link add all …` gets EINVAL).
import { byteLength, firstRefused, Refusal } from "./lexicon";

/** IFNAMSIZ is 16 with the terminating NUL. */
export const IFNAME_MAX = 15;

export function refuseNetdevName(value: string): Refusal | undefined {
  if (value.length === 0) return "is empty";
  if (value === "." || value === "..") return `"${value}" is not a valid interface name (the kernel refuses it; as a path segment it would leave the directory)`;
  if (value === "all" || value === "default")
    return `"${value}" names the sysctl scope net.ipv4.conf.${value}, not an interface (the kernel refuses it as an interface name)`;
  const chars = firstRefused(value, (c) => {
    if (c === "/") return "the kernel refuses it in interface names (it separates /sys and /proc path segments)";
    if (c === ":") return "the kernel refuses it in interface names (it marks an address label)";
    if (!/[A-Za-z0-9_.@-]/.test(c)) return "interface names here use letters, digits and _ . @ -";
    return undefined;
  });
  if (chars) return chars;
  return byteLength(value) > IFNAME_MAX ? `is ${byteLength(value)} bytes long: the kernel limits interface names to ${IFNAME_MAX} (IFNAMSIZ)` : undefined;
}
