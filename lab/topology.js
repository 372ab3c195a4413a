#!/usr/bin/env node
// Helper for lab.sh (plain JS so it runs before/without tsc).
//   node lab/topology.js check <topology.json>            -> validated shell-readable lines
//   node lab/topology.js hosts-file <topology.json>       -> /etc/hosts content for guests
//   node lab/topology.js write-state <topology.json> <lab.json>  (reads LAB_* env)
//   node lab/topology.js lookup <lab.json> <host>          -> "<address>"
'use strict';
const fs = require('fs');
const path = require('path');

function fail(msg) { process.stderr.write(`lab: topology: ${msg}\n`); process.exit(2); }
function ip2n(ip) {
  const p = ip.split('.').map(Number);
  if (p.length !== 4 || p.some((x) => !Number.isInteger(x) || x < 0 || x > 255)) fail(`bad IPv4 address ${ip}`);
  return ((p[0] << 24) >>> 0) + (p[1] << 16) + (p[2] << 8) + p[3];
}

// IPv6 (optional): `subnet6` a ULA /64 such as fd77::/64, `hostAddress6` and each host's `address6` inside it,
// written compressed (fd77::11). Checked by prefix text: enough for the lab's own addresses.
const V6 = /^[0-9a-f]{1,4}(:[0-9a-f]{0,4}){1,7}$/;
function check6(t) {
  if (t.subnet6 === undefined) {
    if (t.hostAddress6 !== undefined || t.hosts.some((h) => h.address6 !== undefined)) fail('address6/hostAddress6 need subnet6');
    return;
  }
  const m = /^(fd[0-9a-f]{2}(?::[0-9a-f]{1,4}){0,3})::\/64$/.exec(t.subnet6);
  if (!m) fail('subnet6 must be a ULA /64 written like fd77::/64 (no route out)');
  const inNet6 = (ip) => V6.test(ip || '') && ip.startsWith(m[1] + '::') && ip.length > m[1].length + 2;
  if (!inNet6(t.hostAddress6)) fail('hostAddress6 must be inside subnet6');
  for (const h of t.hosts) if (h.address6 !== undefined && !inNet6(h.address6)) fail(`${h.name}: address6 must be inside ${t.subnet6}`);
  const seen = new Set([t.hostAddress6]);
  for (const h of t.hosts) if (h.address6 !== undefined) { if (seen.has(h.address6)) fail(`duplicate ${h.address6}`); seen.add(h.address6); }
}

function load(file) {
  let t;
  try { t = JSON.parse(fs.readFileSync(file, 'utf8')); } catch (e) { fail(`${file}: ${e.message}`); }
  const [net, plen] = String(t.subnet || '').split('/');
  const prefix = Number(plen);
  if (!net || !Number.isInteger(prefix) || prefix < 8 || prefix > 30) fail('subnet must be a.b.c.d/len (8..30)');
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  const netN = ip2n(net) & mask;
  const inNet = (ip) => ((ip2n(ip) & mask) >>> 0) === (netN >>> 0);
  if (!t.hostAddress || !inNet(t.hostAddress)) fail('hostAddress must be inside subnet');
  if (!Array.isArray(t.hosts) || t.hosts.length === 0) fail('hosts must be a non-empty array');
  const seen = new Set([t.hostAddress]);
  const roles = new Set(['director', 'realserver', 'client']);
  for (const h of t.hosts) {
    if (!/^[a-z][a-z0-9-]{0,11}$/.test(h.name || '')) fail(`bad host name ${JSON.stringify(h.name)} (a-z0-9-, max 12)`);
    if (!h.address || !inNet(h.address)) fail(`${h.name}: address must be inside ${t.subnet}`);
    if (!/^52:54:00(:[0-9a-f]{2}){3}$/.test(h.mac || '')) fail(`${h.name}: mac must look like 52:54:00:xx:xx:xx (lowercase)`);
    if (!Array.isArray(h.roles) || h.roles.length === 0 || h.roles.some((r) => !roles.has(r))) fail(`${h.name}: roles must be a non-empty subset of director/realserver/client`);
    for (const k of [h.name, h.address, h.mac]) { if (seen.has(k)) fail(`duplicate ${k}`); seen.add(k); }
  }
  check6(t);
  return { ...t, prefix, memoryMiB: t.memoryMiB || 256, bootConcurrency: t.bootConcurrency || 3, file: path.resolve(file) };
}

const [cmd, a, b] = process.argv.slice(2);
if (cmd === 'check') {
  const t = load(a);
  // line 1: name prefix hostAddress memory concurrency ; then one line per host
  // (IPv6 fields last, "-" when absent)
  console.log([t.name || path.basename(a, '.json'), t.prefix, t.hostAddress, t.memoryMiB, t.bootConcurrency, t.hostAddress6 || '-'].join(' '));
  for (const h of t.hosts) console.log([h.name, h.address, h.mac, h.roles.join(','), h.memoryMiB || t.memoryMiB, h.address6 || '-'].join(' '));
} else if (cmd === 'hosts-file') {
  const t = load(a);
  const lines = ['127.0.0.1\tlocalhost', `${t.hostAddress}\tlab-host`];
  for (const h of t.hosts) lines.push(`${h.address}\t${h.name}`);
  // No IPv6 names: a name keeps resolving to the IPv4 address the existing tests use.
  console.log(lines.join('\n'));
} else if (cmd === 'write-state') {
  const t = load(a);
  const env = process.env;
  const run = env.LAB_RUN_DIR;
  const state = {
    version: 1,
    topology: t.name || path.basename(a, '.json'),
    topologyFile: t.file,
    subnet: t.subnet,
    prefixLength: t.prefix,
    hostAddress: t.hostAddress,
    ...(t.subnet6 ? { subnet6: t.subnet6, hostAddress6: t.hostAddress6 } : {}),
    hostInterface: env.LAB_VETH_HOST,
    netns: env.LAB_NETNS,
    bridge: env.LAB_BRIDGE,
    image: env.LAB_IMAGE,
    kernelVersion: env.LAB_KVER,
    accel: env.LAB_ACCEL,
    privateKey: path.join(run, 'ssh', 'id_ed25519'),
    publicKey: path.join(run, 'ssh', 'id_ed25519.pub'),
    knownHosts: path.join(run, 'ssh', 'known_hosts'),
    startedAt: env.LAB_STARTED_AT,
    bootSeconds: Number(env.LAB_BOOT_SECONDS || 0),
    hosts: {},
  };
  for (const h of t.hosts) {
    const dir = path.join(run, 'hosts', h.name);
    let pid = 0;
    try { pid = Number(fs.readFileSync(path.join(dir, 'qemu.pid'), 'utf8').trim()); } catch { /* not started */ }
    state.hosts[h.name] = {
      name: h.name,
      roles: h.roles,
      address: h.address,
      ...(h.address6 ? { address6: h.address6 } : {}),
      mac: h.mac,
      interface: 'eth0',
      sshPort: 22,
      users: [
        { name: 'root', sudo: 'root' },
        { name: 'deploy', sudo: 'nopasswd' },
        { name: 'nopw', sudo: 'password', password: 'lab-nopw-password' },
      ],
      memoryMiB: h.memoryMiB || t.memoryMiB,
      pid,
      console: path.join(dir, 'console.log'),
      overlay: path.join(dir, 'disk.qcow2'),
      qmp: path.join(dir, 'qmp.sock'),
    };
  }
  fs.writeFileSync(b + '.tmp', JSON.stringify(state, null, 2) + '\n');
  fs.renameSync(b + '.tmp', b);
} else if (cmd === 'lookup') {
  const s = JSON.parse(fs.readFileSync(a, 'utf8'));
  const h = s.hosts[b];
  if (!h) fail(`no host ${b} in ${a} (hosts: ${Object.keys(s.hosts).join(' ')})`);
  console.log(h.address);
} else {
  fail(`unknown command ${cmd}`);
}
