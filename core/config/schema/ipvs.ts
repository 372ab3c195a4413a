// `ipvs`: kernel IPVS settings on the directors.
export const ipvs = {
  type: "object",
  description: "Kernel IPVS settings on the directors.",
  properties: {
    connTabBits: {
      type: "integer",
      minimum: 8,
      maximum: 20,
      default: 12,
      description: "ip_vs conn_tab_bits (hash table of 2^N buckets). Applies when the module is (re)loaded.",
    },
    timeouts: {
      type: "object",
      description: "IPVS connection timeouts in seconds (keepalived lvs_timeouts, at most 2678400 = 31 days each).",
      properties: {
        tcp: { type: "integer", minimum: 1, maximum: 2678400 },
        tcpfin: { type: "integer", minimum: 1, maximum: 2678400 },
        udp: { type: "integer", minimum: 1, maximum: 2678400 },
      },
      additionalProperties: false,
    },
    expireNodestConn: { type: "boolean", default: true, description: "net.ipv4.vs.expire_nodest_conn: drop connections to removed servers at once." },
    expireQuiescentTemplate: {
      type: "boolean",
      default: true,
      description: "net.ipv4.vs.expire_quiescent_template: persistence does not stick to a weight-0 server.",
    },
    sloppyTcp: { type: "boolean", default: false, description: "net.ipv4.vs.sloppy_tcp: pick up mid-stream TCP after failover." },
  },
  additionalProperties: false,
  default: {},
} as const;
