// keepalived.conf from its view: the only place that turns a KeepalivedView into text.
import { realServersText } from "./real-servers-text";
import { renderTemplate } from "./templates";
import type { KeepalivedView, VirtualServerView } from "./views";
import { writtenKeepalived, writtenVirtualServer } from "./keepalived-written";

/** Directors of one cluster share the virtual-server views: their text is rendered once. */
const rendered = new WeakMap<VirtualServerView[], string>();

function virtualServersText(views: VirtualServerView[]): string {
  let text = rendered.get(views);
  if (text === undefined) {
    const virtualServers = views.map(writtenVirtualServer).map((v) => ({ ...v, realServersText: realServersText(v.check, v.realServers) }));
    rendered.set(views, (text = renderTemplate("keepalived-services.conf", { virtualServers })));
  }
  return text;
}

export function renderKeepalivedConf(view: KeepalivedView): string {
  return renderTemplate("keepalived.conf", { ...writtenKeepalived(view), virtualServersText: virtualServersText(view.virtualServers) });
}
