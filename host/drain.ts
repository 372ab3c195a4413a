// Draining: members that a new keepalived.conf removes are first set to weight 0 in the old one.
/**
 * Returns the old config with every real_server that the new config no longer has set to weight 0, or null.
 * A virtual_server that would lose every member (removed outright, or all members replaced) is left as it is:
 * nothing would take its new connections, and a total weight of 0 is below keepalived's default quorum of 1,
 * which keepalived 2.2 reports as a warning that fails --config-test.
 */
export function drainConfig(oldConf: string, newConf: string): string | null {
  const key = (vs: string, rs: string) => `${vs.trim()}|${rs.trim()}`;
  const members = (conf: string) => {
    const list: { vs: string; key: string }[] = [];
    let vs = "";
    for (const line of conf.split("\n")) {
      const v = /^virtual_server (.+) \{$/.exec(line);
      if (v) vs = v[1];
      const r = /^\s+real_server (.+) \{$/.exec(line);
      if (r) list.push({ vs, key: key(vs, r[1]) });
    }
    return list;
  };
  const keep = new Set(members(newConf).map((m) => m.key));
  const old = members(oldConf);
  const survivors = new Set(old.filter((m) => keep.has(m.key)).map((m) => m.vs));
  let vs = "";
  let draining = false;
  let changed = false;
  const out = oldConf.split("\n").map((line) => {
    const v = /^virtual_server (.+) \{$/.exec(line);
    if (v) vs = v[1];
    const r = /^\s+real_server (.+) \{$/.exec(line);
    if (r) draining = survivors.has(vs) && !keep.has(key(vs, r[1]));
    const w = /^(\s+)weight (\d+)$/.exec(line);
    if (draining && w && w[2] !== "0") {
      changed = true;
      return `${w[1]}weight 0`;
    }
    return line;
  });
  return changed ? out.join("\n") : null;
}
