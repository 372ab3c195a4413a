// What each health-check kind needs, decided in one exhaustive switch per question.
import type { HealthCheckConfig } from "../config/schema";
import { assertNever } from "../util/never";

export type ConnectionCheck = Extract<HealthCheckConfig, { type: "TCP" | "HTTP" | "SSL" | "UDP" | "DNS" | "SMTP" }>;

/** TCP, HTTP, SSL, UDP, DNS and SMTP checks connect to a port (the check's, else the member's or the service's). */
export function isConnectionCheck(hc: HealthCheckConfig): hc is ConnectionCheck {
  switch (hc.type) {
    case "TCP":
    case "HTTP":
    case "SSL":
    case "UDP":
    case "DNS":
    case "SMTP":
      return true;
    case "MISC":
    case "NONE":
    case "PING":
      return false;
    default:
      return assertNever(hc, "health check type");
  }
}
