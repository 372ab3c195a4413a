// `services[].healthCheck`: how keepalived decides whether a real server is up. One branch per kind, chosen by `type`
// (Ajv's discriminator, so each branch's defaults apply); a kind's fields are accepted only on that kind.
import { port } from "./common";

/** Every kind: `delayLoop` is also the virtual_server's delay_loop, so even NONE has it. */
const every = {
  delayLoop: { type: "integer", minimum: 1, maximum: 3600, default: 5, description: "Seconds between checks (keepalived's own default, 60, is too slow)." },
} as const;

const retries = {
  retry: { type: "integer", minimum: 0, maximum: 100, default: 2, description: "Failed checks before a real server is removed." },
  delayBeforeRetry: { type: "integer", minimum: 1, maximum: 600, default: 2, description: "Seconds between retries." },
} as const;

/** Checks that open a connection to the real server. */
const connection = {
  port: { ...port, description: "Port probed; defaults to the real server's port." },
  connectTimeout: { type: "integer", minimum: 1, maximum: 600, default: 3, description: "Seconds to wait for a connection." },
  ...retries,
} as const;

const url = {
  path: { type: "string", pattern: "^/[^\\s\"]*$", default: "/", description: "URL path requested." },
  statusCode: { type: "string", pattern: "^\\d{3}(-\\d{3})?$", default: "200-299", description: "Accepted status code or range." },
  digest: { type: "string", pattern: "^[0-9a-f]{32}$", description: "Expected MD5 digest of the body (from `genhash`); replaces statusCode." },
} as const;

function kind<const T extends string, const P extends object, const R extends readonly string[] = []>(type: T, description: string, properties: P, required?: R) {
  return {
    type: "object",
    description,
    properties: { type: { const: type }, ...every, ...properties },
    required: ["type", ...((required ?? []) as unknown as R)],
    additionalProperties: false,
  } as const;
}

export const tcpCheck = kind("TCP", "TCP_CHECK: the real server accepts a connection.", connection);
export const httpCheck = kind("HTTP", "HTTP_GET: a request for `path` answers with `statusCode` (or `digest`).", { ...connection, ...url });
export const sslCheck = kind("SSL", "SSL_GET: as HTTP, over TLS.", { ...connection, ...url });
export const miscCheck = kind(
  "MISC",
  "MISC_CHECK: a command run as keepalived_script exits 0.",
  {
    script: { type: "string", pattern: '^[^"\\n]+$', description: "Command run by keepalived_script; exit 0 = up (no double quotes)." },
    scriptTimeout: { type: "integer", minimum: 1, maximum: 4294, default: 5, description: "Seconds before the script counts as failed (keepalived's misc_timeout range ends at 4294)." },
    ...retries,
  },
  ["script"],
);
export const noCheck = kind("NONE", "No check: every real server counts as up.", {});
export const pingCheck = kind("PING", "PING_CHECK: the real server answers an ICMP echo request within connectTimeout.", {
  connectTimeout: connection.connectTimeout,
  ...retries,
});
export const udpCheck = kind("UDP", "UDP_CHECK: a datagram to the port draws no ICMP port-unreachable within connectTimeout.", connection);
export const DNS_QUERY_TYPES = ["A", "NS", "CNAME", "SOA", "MX", "TXT", "AAAA"] as const;
export const dnsCheck = kind("DNS", "DNS_CHECK: a query for `queryName` of `queryType` is answered (the port defaults to the real server's, usually 53).", {
  ...connection,
  queryType: { type: "string", enum: DNS_QUERY_TYPES, default: "SOA", description: "Record type asked for." },
  queryName: { type: "string", pattern: "^(\\.|[A-Za-z0-9_-]{1,63}(\\.[A-Za-z0-9_-]{1,63})*\\.?)$", default: ".", description: "Name asked for (\".\" is the root)." },
});
export const smtpCheck = kind("SMTP", "SMTP_CHECK: the server greets, answers HELO with 250 and QUIT.", {
  ...connection,
  heloName: { type: "string", pattern: "^[A-Za-z0-9][A-Za-z0-9_.-]{0,252}$", description: "Name sent in HELO (keepalived's default: the director's host name)." },
});

export const HEALTH_CHECK_KINDS = ["TCP", "HTTP", "SSL", "MISC", "NONE", "PING", "UDP", "DNS", "SMTP"] as const;

export const healthCheck = {
  type: "object",
  description: "How keepalived decides whether a real server is up.",
  properties: {
    type: {
      type: "string",
      enum: HEALTH_CHECK_KINDS,
      default: "TCP",
      description: "TCP_CHECK, HTTP_GET, SSL_GET, MISC_CHECK, PING_CHECK, UDP_CHECK, DNS_CHECK, SMTP_CHECK, or NONE (always up).",
    },
  },
  required: ["type"],
  discriminator: { propertyName: "type" },
  oneOf: [tcpCheck, httpCheck, sslCheck, miscCheck, noCheck, pingCheck, udpCheck, dnsCheck, smtpCheck],
  default: {},
} as const;
