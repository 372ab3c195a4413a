// Lab self-test: boots the default topology (unless a healthy lab is already up) and proves,
// with hand-made commands over the OpenSSH client (no pulumi-lvs code), that the lab is fit
// for integration tests: verified host keys, ip_vs, offline apt, LVS-DR, keepalived failover,
// reboot persistence. Prints the timings it measured ("lab: ..." lines).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { currentPid, hostProcessAlive, hostsWithRole, LabHost, LabState, sshOptions, tryLoadLabState } from '../../lab/state';

const VIP = process.env.LAB_SELFTEST_VIP || '10.77.0.100';
const REQUESTS = 30;
// A clean keepalived stop sends a priority-0 advert: the backup takes over after its skew time ((256 - 100) / 256 s
// ≈ 0.6 s). Measured on the lab host from before the ssh that stops the master, so one ssh round trip is included.
const FAILOVER_BOUND_S = 3;

/** The start time (clock ticks since boot, /proc/PID/stat field 22) of a process: a PID reused by another process differs. */
function processStart(pid: number): string {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

interface RunResult { code: number; stdout: string; stderr: string; seconds: number }

function repoRoot(): string {
  let d = __dirname;
  while (!fs.existsSync(path.join(d, 'lab', 'lab.sh'))) {
    const up = path.dirname(d);
    if (up === d) throw new Error('cannot find lab/lab.sh above ' + __dirname);
    d = up;
  }
  return d;
}

function run(cmd: string, args: string[], opts: { timeoutMs?: number; inherit?: boolean } = {}): Promise<RunResult> {
  const t0 = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', opts.inherit ? 'inherit' : 'pipe', opts.inherit ? 'inherit' : 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout?.on('data', (b: Buffer) => (stdout += b.toString()));
    p.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => p.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    p.on('error', (e) => { clearTimeout(timer); reject(e); });
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr, seconds: Number(process.hrtime.bigint() - t0) / 1e9 });
    });
  });
}

const fmt = (s: number) => s.toFixed(1);

describe('pulumi-lvs lab self-test', { timeout: 45 * 60_000 }, () => {
  const root = repoRoot();
  const labSh = path.join(root, 'lab', 'lab.sh');
  let lab: LabState;
  let wasUp = false;
  let muxDir = '';
  let director1: LabHost, director2: LabHost, client: LabHost;
  let realservers: LabHost[] = [];
  let sampler: NodeJS.Timeout | undefined;
  let peakQemuRssMiB = 0;
  let peakHostUsedMiB = 0;
  const testStart = Date.now();

  function sample(): void {
    const mem = fs.readFileSync('/proc/meminfo', 'utf8');
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(mem)?.[1] ?? 0);
    peakHostUsedMiB = Math.max(peakHostUsedMiB, (kb('MemTotal') - kb('MemAvailable')) / 1024);
    if (!lab) return;
    let rss = 0;
    for (const h of Object.values(lab.hosts)) {
      try {
        const st = fs.readFileSync(`/proc/${h.pid}/status`, 'utf8');
        rss += Number(/^VmRSS:\s+(\d+)/m.exec(st)?.[1] ?? 0) / 1024;
      } catch { /* gone */ }
    }
    peakQemuRssMiB = Math.max(peakQemuRssMiB, rss);
  }

  function ssh(host: LabHost, command: string, opts: { user?: string; timeoutMs?: number; knownHosts?: string; mux?: boolean } = {}) {
    const extra: string[] = [];
    if (opts.mux !== false && !opts.knownHosts) {
      extra.push('-o', 'ControlMaster=auto', '-o', `ControlPath=${muxDir}/%C`, '-o', 'ControlPersist=120');
    }
    let args = sshOptions(lab, extra);
    if (opts.knownHosts) args = args.map((a) => (a.startsWith('UserKnownHostsFile=') ? `UserKnownHostsFile=${opts.knownHosts}` : a));
    return run('ssh', [...args, `${opts.user ?? 'root'}@${host.address}`, command], { timeoutMs: opts.timeoutMs ?? 120_000 });
  }

  async function sshOk(host: LabHost, command: string, opts: { user?: string; timeoutMs?: number } = {}): Promise<string> {
    const r = await ssh(host, command, opts);
    assert.equal(r.code, 0, `${host.name}: \`${command}\` failed (${r.code}): ${r.stderr.trim()} ${r.stdout.trim()}`);
    return r.stdout;
  }

  async function labHealthy(s: LabState | undefined): Promise<boolean> {
    if (!s) return false;
    lab = s;
    for (const h of Object.values(s.hosts)) {
      if (!hostProcessAlive(h)) return false;
      const r = await ssh(h, 'true', { timeoutMs: 30_000, mux: false });
      if (r.code !== 0) return false;
    }
    return true;
  }

  before(async () => {
    muxDir = fs.mkdtempSync(path.join(os.tmpdir(), 'plvs-mux-'));
    sampler = setInterval(sample, 1000);
    wasUp = await labHealthy(tryLoadLabState());
    if (wasUp) {
      console.log(`lab: already up (topology ${lab.topology}); reusing it and leaving it up`);
    } else {
      const topo = process.env.LAB_SELFTEST_TOPOLOGY || 'default';
      const r = await run('bash', [labSh, 'up', topo], { timeoutMs: 40 * 60_000, inherit: true });
      assert.equal(r.code, 0, 'lab.sh up failed');
      const s = tryLoadLabState();
      assert.ok(s, 'lab.json missing after up');
      lab = s;
      console.log(`lab: boot-to-ready ${Object.keys(lab.hosts).length} hosts ${fmt(r.seconds)} s (incl. image check/build)`);
      console.log(`lab: boot-to-ready ${Object.keys(lab.hosts).length} hosts ${fmt(lab.bootSeconds)} s (VMs only)`);
    }
    const dirs = hostsWithRole(lab, 'director');
    realservers = hostsWithRole(lab, 'realserver');
    const clients = hostsWithRole(lab, 'client');
    assert.ok(dirs.length >= 2 && realservers.length >= 3 && clients.length >= 1, 'topology needs 2 directors, 3 real servers, 1 client');
    [director1, director2] = dirs;
    client = clients[0];
  });

  after(async () => {
    if (lab && wasUp) {
      // undo what the test did, leave the lab running
      const rsClean = `pkill -f '^busybox httpd -p 80' || true; ip addr del ${VIP}/32 dev lo 2>/dev/null || true; rm -rf /srv/lab-www /root/lab-persist;
        sysctl -qw net.ipv4.conf.all.arp_ignore=0 net.ipv4.conf.all.arp_announce=0 net.ipv4.conf.eth0.arp_ignore=0 net.ipv4.conf.eth0.arp_announce=0`;
      const dClean = `systemctl stop keepalived 2>/dev/null || true; rm -f /etc/keepalived/keepalived.conf; ipvsadm -C 2>/dev/null || true; ip addr del ${VIP}/32 dev eth0 2>/dev/null || true`;
      await Promise.all([
        ...realservers.slice(0, 3).map((h) => ssh(h, rsClean)),
        ssh(director1, dClean),
        ssh(director2, dClean),
      ]);
    }
    for (const sock of fs.readdirSync(muxDir)) {
      await run('ssh', ['-o', `ControlPath=${path.join(muxDir, sock)}`, '-O', 'exit', 'x'], { timeoutMs: 10_000 });
    }
    fs.rmSync(muxDir, { recursive: true, force: true });
    if (lab && !wasUp && process.env.LAB_SELFTEST_KEEP !== '1') {
      const r = await run('bash', [labSh, 'down'], { timeoutMs: 120_000, inherit: true });
      assert.equal(r.code, 0, 'lab.sh down failed');
    }
    if (sampler) clearInterval(sampler);
    sample();
    console.log(`lab: peak qemu RSS (all VMs) ${Math.round(peakQemuRssMiB)} MiB; peak host memory in use ${Math.round(peakHostUsedMiB)} MiB`);
    console.log(`lab: self-test total ${fmt((Date.now() - testStart) / 1000)} s`);
  });

  it('reaches every host over SSH with a verified host key, and refuses unknown keys', async () => {
    const hosts = Object.values(lab.hosts);
    const names = await Promise.all(hosts.map((h) => sshOk(h, 'hostname')));
    hosts.forEach((h, i) => assert.equal(names[i].trim(), h.name));
    // per-host identity: interface, MAC and address as recorded
    for (const h of hosts) {
      const out = await sshOk(h, `cat /sys/class/net/${h.interface}/address; ip -4 -o addr show dev ${h.interface}`);
      assert.ok(out.startsWith(h.mac), `${h.name}: mac ${out}`);
      assert.match(out, new RegExp(`inet ${h.address.replace(/\./g, '\\.')}/${lab.prefixLength}`));
    }
    // an empty known_hosts => host key verification fails (StrictHostKeyChecking=yes)
    const empty = path.join(muxDir, 'empty_known_hosts');
    fs.writeFileSync(empty, '');
    const r1 = await ssh(director1, 'true', { knownHosts: empty });
    assert.notEqual(r1.code, 0);
    assert.match(r1.stderr, /Host key verification failed|No .*host key is known/i);
    // a known_hosts that pins d1's address to d2's key => refused as well
    const kh = fs.readFileSync(lab.knownHosts, 'utf8').split('\n');
    const d2key = kh.find((l) => l.startsWith(`${director2.address},`))!.split(' ').slice(1).join(' ');
    const wrong = path.join(muxDir, 'wrong_known_hosts');
    fs.writeFileSync(wrong, `${director1.address} ${d2key}\n`);
    const r2 = await ssh(director1, 'true', { knownHosts: wrong });
    assert.notEqual(r2.code, 0);
    assert.match(r2.stderr, /HOST IDENTIFICATION HAS CHANGED|Host key verification failed/i);
    // users: deploy has passwordless sudo, nopw's sudo needs a password (fails fast without one)
    assert.equal((await sshOk(director1, 'sudo -n id -u', { user: 'deploy' })).trim(), '0');
    const t0 = Date.now();
    const r3 = await ssh(director1, 'sudo -n true', { user: 'nopw', timeoutMs: 30_000 });
    assert.notEqual(r3.code, 0);
    assert.match(r3.stderr, /password is required/);
    assert.ok(Date.now() - t0 < 20_000);
  });

  it('isolates guests: no default route, no resolver', async () => {
    for (const h of Object.values(lab.hosts)) {
      const out = await sshOk(h, 'ip -4 route show default; ip route get 192.0.2.1 2>&1 || true; grep -c ^nameserver /etc/resolv.conf || true');
      const lines = out.trim().split('\n');
      assert.match(out, /unreachable/i, `${h.name} has a route out: ${out}`);
      assert.equal(lines[lines.length - 1], '0', `${h.name} has a nameserver`);
      assert.doesNotMatch(out, /^default/m);
    }
  });

  it('loads ip_vs on a director', async () => {
    await sshOk(director1, 'modprobe ip_vs && grep -q "^ip_vs " /proc/modules && test -e /proc/net/ip_vs');
  });

  it('installs keepalived and ipvsadm offline from the image apt repository', async () => {
    const t0 = Date.now();
    await Promise.all([director1, director2].map((d) =>
      sshOk(d, 'DEBIAN_FRONTEND=noninteractive apt-get install -y -q keepalived ipvsadm >/tmp/apt.log 2>&1 || { tail -20 /tmp/apt.log; exit 1; }; keepalived --version 2>&1 | head -1; ipvsadm --version', { timeoutMs: 600_000 })));
    console.log(`lab: apt-get install keepalived ipvsadm (2 directors, parallel) ${fmt((Date.now() - t0) / 1000)} s`);
  });

  async function curlDistinct(n: number): Promise<Map<string, number>> {
    const out = await sshOk(client, `for i in $(seq 1 ${n}); do curl -s --max-time 3 http://${VIP}/ || echo FAIL; done`, { timeoutMs: 300_000 });
    const counts = new Map<string, number>();
    for (const l of out.trim().split('\n')) counts.set(l.trim(), (counts.get(l.trim()) ?? 0) + 1);
    return counts;
  }

  it('serves a hand-built LVS-DR VIP from every real server to the client', async () => {
    const rs = realservers.slice(0, 3);
    await Promise.all(rs.map((h) => sshOk(h, [
      'sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2',
      `sysctl -qw net.ipv4.conf.${h.interface}.arp_ignore=1 net.ipv4.conf.${h.interface}.arp_announce=2`,
      `ip addr replace ${VIP}/32 dev lo`,
      `mkdir -p /srv/lab-www && echo ${h.name} > /srv/lab-www/index.html`,
      "pkill -f '^busybox httpd -p 80' || true",
      'busybox httpd -p 80 -h /srv/lab-www',
      `curl -s --max-time 3 http://127.0.0.1/ | grep -qx ${h.name}`,
    ].join(' && '))));
    const ipvs = (d: LabHost) => [
      'modprobe ip_vs',
      'ipvsadm -C',
      `ipvsadm -A -t ${VIP}:80 -s rr`,
      ...rs.map((h) => `ipvsadm -a -t ${VIP}:80 -r ${h.address}:80 -g -w 1`),
    ].join(' && ');
    // Only the gratuitous ARP may fail (the client's neighbour cache is flushed below anyway); IPVS and the VIP must not.
    await sshOk(director1, `${ipvs(director1)} && ip addr replace ${VIP}/32 dev ${director1.interface} && { arping -c1 -U -I ${director1.interface} ${VIP} >/dev/null 2>&1 || true; }`);
    assert.match(await sshOk(director1, `ipvsadm -Ln -t ${VIP}:80; ip -4 -o addr show dev ${director1.interface}`), new RegExp(`TCP\\s+${VIP.replace(/\./g, '\\.')}:80 rr[\\s\\S]* ${VIP.replace(/\./g, '\\.')}/32`), 'IPVS service and VIP on the director');
    await sshOk(client, `ip neigh flush dev ${client.interface} || true`);
    const counts = await curlDistinct(REQUESTS);
    console.log(`lab: LVS-DR ${REQUESTS} requests from ${client.name} -> ${[...counts].map(([k, v]) => `${k}:${v}`).join(' ')}`);
    assert.ok(!counts.has('FAIL'), 'some requests failed');
    for (const h of rs) assert.ok(counts.has(h.name), `${h.name} never answered`);
    assert.equal(counts.size, 3);
    // the director really forwarded them (IPVS stats are folded in by a periodic estimator: poll)
    let stats = '';
    let conns = 0;
    for (let i = 0; i < 20 && conns < REQUESTS; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      stats = await sshOk(director1, `ipvsadm -Ln --stats -t ${VIP}:80`);
      conns = Number(/TCP\s+\S+\s+(\d+)/.exec(stats)?.[1] ?? 0);
    }
    assert.ok(conns >= REQUESTS, `ipvs saw ${conns} connections: ${stats}`);
    for (const h of rs) {
      const m = new RegExp(`-> ${h.address.replace(/\./g, '\\.')}:80\\s+(\\d+)`).exec(stats);
      assert.ok(m && Number(m[1]) > 0, `no IPVS connections to ${h.name}: ${stats}`);
    }
    // hand the VIP over to keepalived in the next test
    await sshOk(director1, `ip addr del ${VIP}/32 dev ${director1.interface}`);
  });

  it('fails the VIP over to the backup director when the master keepalived stops', async () => {
    const conf = (prio: number) => `global_defs {
  router_id lab_selftest
}
vrrp_instance LAB_SELFTEST {
  state BACKUP
  interface ${director1.interface}
  virtual_router_id 177
  priority ${prio}
  advert_int 1
  virtual_ipaddress {
    ${VIP}/32 dev ${director1.interface}
  }
}
`;
    const setup = (d: LabHost, prio: number, rsSetup: string) =>
      sshOk(d, `${rsSetup}; cat > /etc/keepalived/keepalived.conf <<'KEOF'\n${conf(prio)}KEOF\nsystemctl restart keepalived && systemctl is-active keepalived`);
    const rs = realservers.slice(0, 3);
    const ipvs = ['modprobe ip_vs', 'ipvsadm -C', `ipvsadm -A -t ${VIP}:80 -s rr`,
      ...rs.map((h) => `ipvsadm -a -t ${VIP}:80 -r ${h.address}:80 -g -w 1`)].join(' && ');
    await Promise.all([setup(director1, 150, ipvs), setup(director2, 100, ipvs)]);
    const hasVip = `ip -4 -o addr show dev ${director1.interface} | grep -q ' ${VIP}/32'`;
    // wait for d1 to become MASTER (VIP on d1, not on d2)
    await sshOk(director1, `for i in $(seq 1 300); do ${hasVip} && exit 0; sleep 0.1; done; exit 1`, { timeoutMs: 60_000 });
    assert.notEqual((await ssh(director2, hasVip)).code, 0, 'VIP on both directors');
    // watcher on d2 first, then stop the master; failover time measured on the lab host
    const watcher = ssh(director2, `for i in $(seq 1 600); do ${hasVip} && exit 0; sleep 0.05; done; exit 1`, { timeoutMs: 120_000 });
    await new Promise((r) => setTimeout(r, 1500));
    const t0 = Date.now();
    await sshOk(director1, 'systemctl stop keepalived');
    const w = await watcher;
    const failover = (Date.now() - t0) / 1000;
    assert.equal(w.code, 0, 'VIP never appeared on the backup');
    console.log(`lab: keepalived failover ${director1.name} -> ${director2.name} ${fmt(failover)} s (bound ${FAILOVER_BOUND_S} s)`);
    assert.ok(failover <= FAILOVER_BOUND_S, `failover took ${fmt(failover)} s > ${FAILOVER_BOUND_S} s`);
    assert.notEqual((await ssh(director1, hasVip)).code, 0, 'VIP still on the old master');
    await sshOk(client, `ip neigh flush dev ${client.interface} || true`);
    const counts = await curlDistinct(9);
    console.log(`lab: after failover ${[...counts].map(([k, v]) => `${k}:${v}`).join(' ')}`);
    assert.ok(!counts.has('FAIL'), 'requests failed after failover');
    assert.equal(counts.size, 3);
  });

  it('reboots a VM and it comes back with the same identity and its disk intact', async () => {
    const h = realservers[0];
    const before = (await sshOk(h, 'echo persisted > /root/lab-persist && sync && cat /proc/sys/kernel/random/boot_id')).trim();
    // The qemu process now, read from the lab's state on disk (lab.sh start rewrites the pid file), with its start time.
    const pid = currentPid(h);
    const started = processStart(pid);
    const t0 = Date.now();
    await ssh(h, 'systemctl reboot', { mux: false, timeoutMs: 30_000 });
    // drop our multiplexed connection to it, then wait for it to be ready again
    await run('ssh', ['-o', `ControlPath=${muxDir}/%C`, '-O', 'exit', ...sshOptions(lab), `root@${h.address}`], { timeoutMs: 10_000 });
    let after = '';
    while (Date.now() - t0 < 600_000) {
      const r = await ssh(h, 'systemctl is-system-running --wait >/dev/null; cat /proc/sys/kernel/random/boot_id', { mux: false, timeoutMs: 180_000 });
      if (r.code === 0 && r.stdout.trim() && r.stdout.trim() !== before) { after = r.stdout.trim(); break; }
      await new Promise((r2) => setTimeout(r2, 2000));
    }
    const secs = (Date.now() - t0) / 1000;
    assert.ok(after && after !== before, 'host did not come back with a new boot id');
    console.log(`lab: reboot-to-ready ${h.name} ${fmt(secs)} s`);
    // Re-read from disk: the same qemu process (same PID, same start time) survived the guest's reboot.
    const reloaded = tryLoadLabState()?.hosts[h.name];
    assert.ok(reloaded && hostProcessAlive(reloaded), `${h.name}: its qemu process is not alive after the reboot`);
    assert.equal(currentPid(reloaded), pid, 'qemu process changed (reboot must not exit qemu)');
    assert.equal(processStart(pid), started, `PID ${pid} is another process now: qemu exited and something else took its PID`);
    assert.equal((await sshOk(h, 'cat /root/lab-persist; hostname')).trim(), `persisted\n${h.name}`);
    const addr = await sshOk(h, `ip -4 -o addr show dev ${h.interface}`);
    assert.match(addr, new RegExp(`inet ${h.address.replace(/\./g, '\\.')}/`));
  });
});
