// Loads a dynamic provider's implementation inside the engine's provider host, by path, at run time.

/**
 * Pulumi's closure serializer cannot serialize the host/ code by value: it drops ES2022 class field initializers
 * (SshTransport.queue → "Cannot read properties of undefined (reading 'then')"), turns a Set into a plain object
 * ("Set.prototype.has called on incompatible receiver"), and loses Error subclass messages. So only a small loader
 * is serialized and the real module is required at run time (a .ts source is transpiled with the project's
 * typescript, as the program itself was). `file` is relative to the project directory, which is the working
 * directory of both the Pulumi program and the engine's dynamic-provider host.
 */
export function loadFromProject<T>(file: string, exportName: string): T {
  const nodePath = require("node:path") as typeof import("node:path");
  const absolute = nodePath.resolve(process.cwd(), file);
  const extensions = require("node:module")._extensions as Record<string, (m: { _compile(code: string, f: string): void }, f: string) => void>;
  if (absolute.endsWith(".ts") && !extensions[".ts"]) {
    const ts = require(require.resolve("typescript", { paths: [process.cwd()] })) as typeof import("typescript");
    const fs = require("node:fs") as typeof import("node:fs");
    extensions[".ts"] = (m, filename) => {
      const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, resolveJsonModule: true };
      m._compile(ts.transpileModule(fs.readFileSync(filename, "utf8"), { fileName: filename, compilerOptions }).outputText, filename);
    };
  }
  return require(absolute)[exportName] as T;
}
