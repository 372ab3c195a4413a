// The dynamic providers' loader: what the engine stores in state (`__provider`) is only this small delegate, which
// finds the pulumi-lvs package from the provider host's working directory and requires the real implementation.
import type * as pulumi from "@pulumi/pulumi";

/**
 * Pulumi's closure serializer cannot serialize the host/ code by value: it drops ES2022 class field initializers
 * (SshTransport.queue → "Cannot read properties of undefined (reading 'then')"), turns a Set into a plain object
 * ("Set.prototype.has called on incompatible receiver"), and loses Error subclass messages. So only a small loader
 * is serialized and the real module is required at run time.
 *
 * The loader text must not depend on where a checkout lives or on the program's working directory: the engine runs
 * the text stored in state for refresh and delete, from whatever folder the next command runs in. So it names the
 * implementation by its path inside the package (`dist/components/host-config-provider.js`) and finds the package
 * from the provider host's working directory (the workspace directory): walking up, a `package.json` named
 * `pulumi-lvs` (a checkout of this repo) or a `node_modules/pulumi-lvs` (a project that depends on it).
 */
export const PACKAGE_NAME = "pulumi-lvs";

/** `file` (a module of this package, usually `__filename`) as a path relative to the package root, with `/`. */
export function packageRelative(file: string): string {
  const path = require("node:path") as typeof import("node:path");
  const root = packageRootAbove(path.dirname(file));
  if (!root) throw new Error(`pulumi-lvs: no package.json named ${PACKAGE_NAME} above ${file}`);
  return path.relative(root, file).split(path.sep).join("/");
}

function packageRootAbove(start: string): string | undefined {
  const fs = require("node:fs") as typeof import("node:fs");
  const path = require("node:path") as typeof import("node:path");
  const named = (dir: string) => {
    try {
      return JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).name === "pulumi-lvs";
    } catch {
      return false;
    }
  };
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    if (named(dir)) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/**
 * Runs inside the provider host. Everything it uses is required inside the function, so the serialized text is
 * self-contained and identical for every checkout folder.
 */
export function loadFromPackage<T>(relative: string, exportName: string): T {
  const fs = require("node:fs") as typeof import("node:fs");
  const path = require("node:path") as typeof import("node:path");
  const isRoot = (dir: string) => {
    try {
      return JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).name === "pulumi-lvs" && fs.existsSync(path.join(dir, relative));
    } catch {
      return false;
    }
  };
  let root: string | undefined;
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    if (isRoot(dir)) root = dir;
    else if (isRoot(path.join(dir, "node_modules", "pulumi-lvs"))) root = path.join(dir, "node_modules", "pulumi-lvs");
    if (root || path.dirname(dir) === dir) break;
  }
  if (!root)
    throw new Error(
      `pulumi-lvs: cannot find the pulumi-lvs package (with ${relative}) from ${process.cwd()}: run pulumi from the project that depends on pulumi-lvs, or from a checkout of it`,
    );
  const absolute = path.join(root, relative);
  // A program run from source (index.ts through ts-node) names a .ts module: transpile it as the program was.
  const extensions = require("node:module")._extensions as Record<string, (m: { _compile(code: string, f: string): void }, f: string) => void>;
  if (absolute.endsWith(".ts") && !extensions[".ts"]) {
    const ts = require(require.resolve("typescript", { paths: [root, process.cwd()] })) as typeof import("typescript");
    extensions[".ts"] = (m, filename) => {
      const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, resolveJsonModule: true };
      m._compile(ts.transpileModule(fs.readFileSync(filename, "utf8"), { fileName: filename, compilerOptions }).outputText, filename);
    };
  }
  return require(absolute)[exportName] as T;
}

type Provider<I, O> = pulumi.dynamic.ResourceProvider<I, O>;

/**
 * The provider handed to `pulumi.dynamic.Resource`: every call goes to the implementation `exportName` of the module
 * at `relative` inside the package. One loader for every dynamic provider of the project; a method the
 * implementation lacks behaves as the engine's default (check passes the news through, read echoes the state).
 */
export function delegatingProvider<I, O>(relative: string, exportName: string): Provider<I, O> {
  const impl = (): Provider<I, O> => loadFromPackage<Provider<I, O>>(relative, exportName);
  return {
    async configure(req: pulumi.dynamic.ConfigureRequest) {
      await impl().configure?.(req);
    },
    async check(olds: I, news: I) {
      const p = impl();
      return p.check ? p.check(olds, news) : { inputs: news };
    },
    async diff(id: string, olds: O, news: I) {
      const p = impl();
      return p.diff ? p.diff(id, olds, news) : {};
    },
    async create(inputs: I) {
      return impl().create(inputs);
    },
    async update(id: string, olds: O, news: I) {
      const p = impl();
      if (!p.update) throw new Error(`pulumi-lvs: ${exportName} has no update`);
      return p.update(id, olds, news);
    },
    async read(id: string, props?: O) {
      const p = impl();
      return p.read ? p.read(id, props) : { id, props };
    },
    async delete(id: string, props: O) {
      await impl().delete?.(id, props);
    },
  };
}
