// The program: the machines come from another stack (`infraStack`, which exports `addresses: { name: ip }`), and
// the cluster is declared on them with the composable form (or, with `form: whole`, as one typed value).
import * as pulumi from "@pulumi/pulumi";
import { composed, Machines, whole } from "./cluster";

const config = new pulumi.Config();
const infra = new pulumi.StackReference(config.require("infraStack"));
const addresses = infra.requireOutput("addresses") as pulumi.Output<Record<string, string>>;
const machines: Machines = {
  address: (name) =>
    addresses.apply((a) => {
      if (!a[name]) throw new Error(`${config.require("infraStack")} exports no address for ${name}`);
      return a[name];
    }),
};

const settings = {
  subnet: config.get("subnet") ?? "10.77.0.0/24",
  vip: config.get("vip") ?? "10.77.0.100",
  knownHostsFile: config.require("knownHostsFile"),
  directors: config.getObject<{ name: string; priority: number }[]>("directors") ?? [
    { name: "d1", priority: 150 },
    { name: "d2", priority: 100 },
  ],
  realServers: config.getObject<string[]>("realServers") ?? ["r1"],
  vrrpPassword: new pulumi.Config("pulumi-lvs").requireSecret("vrrpPassword"),
};

const form = config.get("form") ?? "composed";
if (form !== "composed" && form !== "whole") throw new pulumi.RunError(`lvs-example:form: must be composed or whole, not ${form}`);
const declared = form === "composed" ? composed(machines, settings) : whole(machines, settings);

export const vipAddress = declared.vipAddress;
export const expectedMaster = declared.expectedMaster;
export const configHashes = declared.configHashes;
