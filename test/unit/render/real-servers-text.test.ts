// The stamped real_server blocks are byte-identical to rendering the real_server partial once per member.
import { test } from "node:test";
import assert from "node:assert/strict";
import { realServersText } from "../../../core/render/real-servers-text";
import { renderTemplate } from "../../../core/render/templates";
import type { CheckView, RealServerView } from "../../../core/render/keepalived-view";

const tcp = (connectPort: number | null): CheckView => ({ block: "TCP_CHECK", url: null, miscPath: null, miscTimeout: null, connectPort, connectTimeout: 3, retry: 2, delayBeforeRetry: 2 });
const http: CheckView = { block: "HTTP_GET", url: { path: "/h", statusCode: "200", digest: null }, miscPath: null, miscTimeout: null, connectPort: 80, connectTimeout: 4, retry: 1, delayBeforeRetry: 3 };
const misc: CheckView = { block: "MISC_CHECK", url: null, miscPath: "/bin/true", miscTimeout: 5, connectPort: null, connectTimeout: null, retry: 2, delayBeforeRetry: 2 };

const views: RealServerView[] = [
  { address: "10.0.0.1", port: 8080, weight: 1, check: tcp(8080) },
  { address: "10.0.0.2", port: 8081, weight: 0, check: tcp(8081) },
  { address: "10.0.0.3", port: null, weight: 7, check: http },
  { address: "10.0.0.4", port: 443, weight: 65535, check: misc },
  { address: "10.0.0.5", port: null, weight: 2, check: null },
  { address: "10.0.0.6", port: 8080, weight: 3, check: tcp(8080) },
];

test("stamped real_server blocks equal one template render per member", () => {
  const direct = views.map((v) => renderTemplate("keepalived-real-server.conf", v)).join("").replace(/\n$/, "");
  assert.equal(realServersText(views), direct);
  assert.match(direct, /real_server 10\.0\.0\.2 8081 \{\n {8}weight 0\n {8}TCP_CHECK \{\n {12}connect_port 8081\n/);
});

test("each member keeps its own values when consecutive members share a check shape", () => {
  const many = Array.from({ length: 300 }, (_, i) => ({ address: `10.1.${i >> 8}.${i & 255}`, port: 80, weight: i, check: tcp(80) }));
  const text = realServersText(many);
  assert.equal((text.match(/real_server /g) ?? []).length, 300);
  assert.match(text, /real_server 10\.1\.1\.43 80 \{\n {8}weight 299\n/);
  assert.ok(!text.includes("\u0001"), "no marker is left in the text");
});
