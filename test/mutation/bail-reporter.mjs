// Test reporter for mutation runs: exits 1 at the first failing test, naming it. A mutant is killed when any test
// fails, so the tests after that one cannot change the verdict; stopping there keeps a killed mutant's run short.
import { writeSync } from "node:fs";

export default async function* bail(source) {
  for await (const event of source) {
    if (event.type !== "test:fail" || event.data.todo || event.data.skip) continue;
    writeSync(2, `killed by: ${event.data.name} (${event.data.file ?? "?"})\n`);
    process.exit(1);
  }
  yield "no test failed\n";
}
