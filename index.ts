// The Pulumi program: `pulumi up` reads pulumi-lvs:cluster from the stack config and converges every host.
import { stackProgram } from "./program/stack";

const outputs = stackProgram();

export const directors = outputs.directors;
export const realServers = outputs.realServers;
export const vips = outputs.vips;
export const configHashes = outputs.configHashes;
