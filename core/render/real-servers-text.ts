// The real_server blocks of one virtual_server. A service can have thousands of members whose blocks differ only in
// address, port, weight and connect port, so the template is rendered once per block shape with markers in those
// places, and each member's values are filled in: the text stays exactly what the template renders, ~100× faster.
import type { RealServerView } from "./keepalived-view";
import { renderTemplate } from "./templates";

const MARK = "\u0001";
type Field = "address" | "port" | "weight" | "connectPort";
const marker = (field: Field) => `${MARK}${field}${MARK}`;

function valueOf(view: RealServerView, field: string): string {
  switch (field) {
    case "address":
      return view.address;
    case "port":
      return String(view.port);
    case "weight":
      return String(view.weight);
    case "connectPort":
      return String(view.check?.connectPort);
    default:
      throw new Error(`real-servers-text: unknown marker ${field}`);
  }
}

/** Blocks with the same shape render the same text apart from the marked fields. */
function shapeOf(view: RealServerView): string {
  const check = view.check && { ...view.check, connectPort: view.check.connectPort === null ? null : 0 };
  return JSON.stringify([view.port === null, check]);
}

function stamp(view: RealServerView): string[] {
  const marked = {
    address: marker("address"),
    port: view.port === null ? null : marker("port"),
    weight: marker("weight"),
    check: view.check && { ...view.check, connectPort: view.check.connectPort === null ? null : marker("connectPort") },
  };
  // Alternates literal text and field names: ["\n    real_server ", "address", " ", "port", " {\n…", …].
  return renderTemplate("keepalived-real-server.conf", marked).split(MARK);
}

/** Each block is preceded by a blank line; the last newline is left to the enclosing template. */
export function realServersText(views: RealServerView[]): string {
  const stamps = new Map<string, string[]>();
  // The check view is built from the one health check of the service: consecutive members share its shape.
  let lastCheck: RealServerView["check"] | undefined;
  let lastPortNull: boolean | undefined;
  let pieces: string[] = [];
  const parts: string[] = [];
  for (const view of views) {
    if (view.check !== lastCheck || (view.port === null) !== lastPortNull) {
      const shape = shapeOf(view);
      pieces = stamps.get(shape) ?? stamp(view);
      stamps.set(shape, pieces);
      lastCheck = view.check;
      lastPortNull = view.port === null;
    }
    for (let i = 0; i < pieces.length; i++) parts.push(i % 2 === 0 ? pieces[i] : valueOf(view, pieces[i]));
  }
  const text = parts.join("");
  return text.endsWith("\n") ? text.slice(0, -1) : text;
}
