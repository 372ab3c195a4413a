// A held download through a VIP: python3 on the client reads /big.bin with a 4 KiB receive window at ~4 KiB/s (so
// the server is paced by TCP, whatever the client's own rate limiting would do) until told to go fast, and records
// its progress. The outcome line "body N" says how much of the body arrived; "error …" that the connection broke.
import type { LabState } from "../../lab/state";
import { CLIENT } from "./data-path";
import { must, onHost, Shell } from "./lab-session";

const CLIENT_PY = String.raw`
import os, socket, sys, time
vip = sys.argv[1]
open("/tmp/e2e-client.pid", "w").write(str(os.getpid()))
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.settimeout(20)
s.connect((vip, 80))
print("local-port", s.getsockname()[1], flush=True)
s.sendall(b"GET /big.bin HTTP/1.0\r\nHost: " + vip.encode() + b"\r\n\r\n")
buf = b""; header = None; body = 0
while True:
    fast = os.path.exists("/tmp/e2e-fast")
    try:
        b = s.recv(65536 if fast else 1024)
    except Exception as e:
        print("error", repr(e), "after", body, flush=True); sys.exit(1)
    if not b: break
    if header is None:
        buf += b
        if b"\r\n\r\n" in buf:
            header, rest = buf.split(b"\r\n\r\n", 1); body = len(rest)
    else:
        body += len(b)
    with open("/tmp/e2e-progress.tmp", "w") as f: f.write(str(body))
    os.replace("/tmp/e2e-progress.tmp", "/tmp/e2e-progress")
    if not fast: time.sleep(0.25)
print("status", header.split(b"\r\n")[0].decode() if header else "none", flush=True)
print("body", body, flush=True)
`;

export interface HeldDownload {
  /** Ends when the client does: its stdout has the "status" and "body" lines, or an "error" line. */
  done: Promise<Shell>;
  /** Body bytes received so far. */
  progress(): Promise<number>;
  /** Lets the client read the rest at full speed. */
  fast(): Promise<void>;
}

/** Starts the held download from c1; returns once the client has written its first progress. */
export async function startHeldDownload(lab: LabState, vip: string, timeoutMs = 15 * 60_000): Promise<HeldDownload> {
  await must(lab, CLIENT, `rm -f /tmp/e2e-fast /tmp/e2e-progress /tmp/e2e-client.pid; cat > /tmp/e2e-client.py <<'EOF'\n${CLIENT_PY}\nEOF`);
  const done = onHost(lab, CLIENT, `python3 /tmp/e2e-client.py ${vip}`, timeoutMs);
  return {
    done,
    progress: async () => Number((await onHost(lab, CLIENT, "cat /tmp/e2e-progress 2>/dev/null || echo 0")).stdout.trim() || 0),
    fast: async () => void (await must(lab, CLIENT, "touch /tmp/e2e-fast")),
  };
}

/** Kills a client still running and removes its files (for a scenario's cleanup). */
export async function stopHeldDownload(lab: LabState): Promise<void> {
  await onHost(lab, CLIENT, "p=$(cat /tmp/e2e-client.pid 2>/dev/null); [ -n \"$p\" ] && grep -qs e2e-client /proc/$p/cmdline && kill $p; rm -f /tmp/e2e-client.pid /tmp/e2e-client.py /tmp/e2e-progress /tmp/e2e-progress.tmp /tmp/e2e-fast");
}

/** The body size the client reported, or undefined when it did not finish the body ("error …" instead). */
export function heldBody(result: Shell): number | undefined {
  const m = /^body (\d+)$/m.exec(result.stdout);
  return m ? Number(m[1]) : undefined;
}
