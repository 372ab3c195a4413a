// The real_server blocks of one virtual_server. A service can have thousands of members whose blocks differ only in
// address, port, weight and connect port, so the template is rendered once per block shape with markers in those
// places, and each member's values are filled in: the text stays exactly what the template renders, ~100× faster.
import type { CheckView, RealServerView } from "./views";
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
      return String(view.connectPort);
    default:
      throw new Error(`real-servers-text: unknown marker ${field}`);
  }
}

/** What the template is given for one member: the service's check with this member's connect port. */
export function realServerTemplateView(check: CheckView | null, view: RealServerView, fields: Record<Field, string | number | null> = view) {
  return {
    address: fields.address,
    port: view.port === null ? null : fields.port,
    weight: fields.weight,
    draining: view.draining,
    check: check && { ...check, connectPort: view.connectPort === null ? null : fields.connectPort },
  };
}

/** Blocks with the same shape render the same text apart from the marked fields. */
function shapeOf(view: RealServerView): string {
  return `${view.port === null}/${view.connectPort === null}/${view.draining}`;
}

function stamp(check: CheckView | null, view: RealServerView): string[] {
  const fields = { address: marker("address"), port: marker("port"), weight: marker("weight"), connectPort: marker("connectPort") };
  // Alternates literal text and field names: ["\n    real_server ", "address", " ", "port", " {\n…", …].
  return renderTemplate("keepalived-real-server.conf", realServerTemplateView(check, view, fields)).split(MARK);
}

/** Each block is preceded by a blank line; the last newline is left to the enclosing template. */
export function realServersText(check: CheckView | null, views: RealServerView[]): string {
  const stamps = new Map<string, string[]>();
  const parts: string[] = [];
  for (const view of views) {
    const shape = shapeOf(view);
    let pieces = stamps.get(shape);
    if (!pieces) stamps.set(shape, (pieces = stamp(check, view)));
    for (let i = 0; i < pieces.length; i++) parts.push(i % 2 === 0 ? pieces[i] : valueOf(view, pieces[i]));
  }
  const text = parts.join("");
  return text.endsWith("\n") ? text.slice(0, -1) : text;
}
