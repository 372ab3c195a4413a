// Loads the Handlebars templates from templates/ once; templates only loop and branch.
import * as fs from "node:fs";
import * as path from "node:path";
import Handlebars from "handlebars";

export type TemplateName =
  | "keepalived.conf"
  | "keepalived-services.conf"
  | "keepalived-real-server.conf"
  | "sysctl.conf"
  | "modules-load.conf"
  | "modprobe.conf"
  | "vip.service"
  | "fwmark.nft"
  | "fwmark.service"
  | "fwmark.iptables"
  | "fwmark-iptables.service"
  | "vrrp-auth.conf"
  | "hook-script";

function templatesDir(): string {
  let dir = __dirname;
  for (;;) {
    const candidate = path.join(dir, "templates");
    if (fs.existsSync(path.join(candidate, "keepalived.conf.hbs"))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`pulumi-lvs: templates/ not found above ${__dirname}`);
    dir = parent;
  }
}

let env: { hbs: typeof Handlebars; cache: Map<TemplateName, Handlebars.TemplateDelegate> } | undefined;

function environment() {
  if (env) return env;
  const hbs = Handlebars.create();
  const dir = templatesDir();
  const partials = path.join(dir, "partials");
  for (const file of fs.readdirSync(partials)) {
    if (file.endsWith(".hbs")) hbs.registerPartial(file.slice(0, -4), fs.readFileSync(path.join(partials, file), "utf8"));
  }
  env = { hbs, cache: new Map() };
  return env;
}

export function renderTemplate(name: TemplateName, view: object): string {
  const { hbs, cache } = environment();
  let template = cache.get(name);
  if (!template) {
    const source = fs.readFileSync(path.join(templatesDir(), `${name}.hbs`), "utf8");
    template = hbs.compile(source, { noEscape: true, strict: true });
    cache.set(name, template);
  }
  return template(view);
}
