// The stamped real_server blocks are byte-identical to rendering the real_server partial once per member.
import { test } from "node:test";
import assert from "node:assert/strict";
import { realServersText, realServerTemplateView } from "../../../core/render/real-servers-text";
import { renderTemplate } from "../../../core/render/templates";
import type { CheckView, RealServerView } from "../../../core/render/views";

const tcp: CheckView = { block: "TCP_CHECK", url: null, dns: null, heloName: null, miscPath: null, miscTimeout: null, connectTimeout: 3, retry: 2, delayBeforeRetry: 2 };
const http: CheckView = { block: "HTTP_GET", url: { path: "/h", statusCode: "200", digest: null }, dns: null, heloName: null, miscPath: null, miscTimeout: null, connectTimeout: 4, retry: 1, delayBeforeRetry: 3 };
const misc: CheckView = { block: "MISC_CHECK", url: null, dns: null, heloName: null, miscPath: "/bin/true", miscTimeout: 5, connectTimeout: null, retry: 2, delayBeforeRetry: 2 };

const member = (address: string, port: number | null, weight: number, connectPort: number | null, draining = false): RealServerView => ({ address, port, weight, connectPort, draining });

/** The same members as before the check moved to the virtual server, grouped by the check they share. */
const services: { check: CheckView | null; views: RealServerView[] }[] = [
  { check: tcp, views: [member("10.0.0.1", 8080, 1, 8080), member("10.0.0.2", 8081, 0, 8081), member("10.0.0.6", 8080, 3, 8080)] },
  { check: http, views: [member("10.0.0.3", null, 7, 80)] },
  { check: misc, views: [member("10.0.0.4", 443, 65535, null)] },
  { check: null, views: [member("10.0.0.5", null, 2, null)] },
  { check: tcp, views: [member("10.0.0.7", 8080, 5, 8080), member("10.0.0.8", 8080, 9, 8080, true), member("10.0.0.9", 8080, 4, 8080)] },
];

test("stamped real_server blocks equal one template render per member", () => {
  for (const { check, views } of services) {
    const direct = views.map((v) => renderTemplate("keepalived-real-server.conf", realServerTemplateView(check, v))).join("").replace(/\n$/, "");
    assert.equal(realServersText(check, views), direct);
  }
  const first = realServersText(tcp, services[0].views);
  assert.match(first, /real_server 10\.0\.0\.2 8081 \{\n {8}weight 0\n {8}TCP_CHECK \{\n {12}connect_port 8081\n/);
});

test("a draining member is written with weight 0 whatever its weight; its neighbours keep theirs", () => {
  const text = realServersText(tcp, services[4].views);
  assert.match(text, /real_server 10\.0\.0\.7 8080 \{\n {8}weight 5\n/);
  assert.match(text, /real_server 10\.0\.0\.8 8080 \{\n {8}weight 0\n {8}TCP_CHECK \{\n {12}connect_port 8080\n/);
  assert.match(text, /real_server 10\.0\.0\.9 8080 \{\n {8}weight 4\n/);
});

test("each member keeps its own values when consecutive members share a check shape", () => {
  const many = Array.from({ length: 300 }, (_, i) => member(`10.1.${i >> 8}.${i & 255}`, 80, i, 80));
  const text = realServersText(tcp, many);
  assert.equal((text.match(/real_server /g) ?? []).length, 300);
  assert.match(text, /real_server 10\.1\.1\.43 80 \{\n {8}weight 299\n/);
  assert.ok(!text.includes("\u0001"), "no marker is left in the text");
});
