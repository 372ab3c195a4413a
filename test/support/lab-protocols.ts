// Small servers for lab real servers, for the health checks that are not HTTP: a UDP sink, a DNS responder (answers
// every query for an A record with one address) and an SMTP greeter (220 banner, 250 to HELO/EHLO, 221 to QUIT). Each
// runs under python3 (in the lab image) as its own transient systemd unit, so a test can stop and start one alone.
import type { LabState } from "../../lab/state";
import { must } from "./lab-session";

export type LabProtocol = "udp" | "dns" | "smtp";

const SERVER = String.raw`
import socket, socketserver, struct, sys

kind, port = sys.argv[1], int(sys.argv[2])

def dns_answer(q):
    # Header: same id, QR + AA + RD copied, RCODE 0, one question, one answer; the answer points at the question name.
    ident, flags = struct.unpack("!HH", q[:4])
    end = 12
    while q[end] != 0:
        end += q[end] + 1
    question = q[12:end + 5]
    header = struct.pack("!HHHHHH", ident, 0x8400 | (flags & 0x0100), 1, 1, 0, 0)
    answer = struct.pack("!HHHIH", 0xC00C, 1, 1, 30, 4) + socket.inet_aton("10.77.0.99")
    return header + question + answer

if kind in ("udp", "dns"):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", port))
    while True:
        data, peer = s.recvfrom(4096)
        if kind == "dns" and len(data) > 12:
            try:
                s.sendto(dns_answer(data), peer)
            except Exception:
                pass
else:
    class Smtp(socketserver.StreamRequestHandler):
        def handle(self):
            self.wfile.write(b"220 lab ESMTP\r\n")
            for line in self.rfile:
                verb = line.strip().split(b" ")[0].upper()
                if verb in (b"HELO", b"EHLO"):
                    self.wfile.write(b"250 lab\r\n")
                elif verb == b"QUIT":
                    self.wfile.write(b"221 bye\r\n")
                    return
                else:
                    self.wfile.write(b"250 ok\r\n")
    socketserver.ThreadingTCPServer.allow_reuse_address = True
    socketserver.ThreadingTCPServer(("0.0.0.0", port), Smtp).serve_forever()
`;

const unit = (kind: LabProtocol) => `lab-proto-${kind}`;

/** Starts (or restarts) the server on each host, and waits until it listens. */
export async function startProtocol(lab: LabState, hosts: string[], kind: LabProtocol, port: number): Promise<void> {
  const b64 = Buffer.from(SERVER).toString("base64");
  const listening = kind === "smtp" ? `ss -Hltn 'sport = :${port}'` : `ss -Hlun 'sport = :${port}'`;
  await Promise.all(
    hosts.map((host) =>
      must(
        lab,
        host,
      [
        "mkdir -p /srv/lab-proto",
        // One file per kind: servers of several kinds may be started at once.
        `echo ${b64} | base64 -d > /srv/lab-proto/${kind}.py`,
        `systemctl stop ${unit(kind)} 2>/dev/null || true`,
        `systemctl reset-failed ${unit(kind)} 2>/dev/null || true`,
        `systemd-run --quiet --unit=${unit(kind)} python3 /srv/lab-proto/${kind}.py ${kind} ${port}`,
        `for i in $(seq 1 100); do [ -n "$(${listening})" ] && exit 0; sleep 0.1; done; echo "${kind} server not listening on ${port}" >&2; exit 1`,
      ].join("\n"),
      ),
    ),
  );
}

export async function stopProtocol(lab: LabState, host: string, kind: LabProtocol): Promise<void> {
  await must(lab, host, `systemctl stop ${unit(kind)}`);
}

/** Stops every protocol server on the hosts and removes its file. */
export async function removeProtocols(lab: LabState, hosts: string[]): Promise<void> {
  await Promise.all(hosts.map((host) => must(lab, host, `systemctl stop ${(["udp", "dns", "smtp"] as const).map(unit).join(" ")} 2>/dev/null; rm -rf /srv/lab-proto; true`)));
}
