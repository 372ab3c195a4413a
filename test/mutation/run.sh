#!/usr/bin/env bash
# Mutation testing (StrykerJS, command runner) of core/ and host/facts + host/steps, one folder at a time, each
# against the unit tests that cover it. Slow, so not part of `npm test`: `npm run test:mutation [-- FOLDER ...]`.
#
# Stryker instruments every mutant of the folder into one copy of the sources (mutant switching), builds it once
# (tsc), then runs the folder's tests once per mutant with __STRYKER_ACTIVE_MUTANT__ set. The tests run in one
# process (--experimental-test-isolation=none), and the reporter test/mutation/bail-reporter.mjs ends a run at the
# first failing test (a killed mutant needs no more), so each list starts with the fast tests that kill most. Left
# out of every command: the property test (keepalived on 100 random clusters, 22 s a run) and the sshd-backed
# transport test, which cover none of these folders beyond what the listed tests do.
#
# Reports: reports/mutation/<folder>.html and .json, and a score line per folder appended to
# reports/mutation/scores.txt. Environment: MUTATION_CONCURRENCY (default 2). MUTATION_INCREMENTAL=1 reuses the
# previous run's results (reports/mutation/<folder>.incremental.json) for mutants whose code did not change; only
# for re-runs after source edits: the command runner is one opaque "test" to Stryker, so it cannot see that a test
# changed, and a mutant a new test kills would stay "survived". MUTATION_RETEST_SURVIVORS=1 is for re-runs after
# tests were added (and none removed or weakened): it starts from the last full report with its survivors taken out,
# so Stryker tests again only those, and reuses every killed or timed-out mutant (a test added cannot revive one).
# MUTATION_FILES="a.ts,b.ts:10-40" mutates only those files (or line ranges) of the one folder named, into reports
# named <folder>-part: for a quick look at a few files, not for the folder's score; MUTATION_TESTS replaces the
# folder's test list (for such a look only: fewer tests can only leave more survivors). MUTATION_TIMEOUT_MS (default
# 15000, added to 1.5 times the first run's time) decides when a mutant counts as a timeout: raise it on a loaded
# machine, where a surviving mutant's full run can outlast it and would be counted as detected.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PWD/node_modules/.bin:$PATH"

tests_for() {
  local u=dist/test/unit
  case "$1" in
    core/config) echo "$u/config/*.test.js" ;;
    core/model) echo "$u/render/golden.test.js $u/model/*.test.js $u/render/real-servers-text.test.js $u/config/*.test.js $u/cli/cli.test.js" ;;
    core/render) echo "$u/render/golden.test.js $u/render/script-free.test.js $u/render/real-servers-text.test.js $u/render/*-parts.test.js $u/host/iptables.test.js $u/config/secrets.test.js $u/vocabulary/*.test.js $u/cli/cli.test.js $u/render/keepalived-config-test.test.js" ;;
    core/plan) echo "$u/plan/*.test.js $u/render/golden.test.js $u/cli/cli.test.js" ;;
    host/steps) echo "$u/host/steps.test.js $u/host/iptables.test.js $u/host/step-edges.test.js $u/host/update-teardown.test.js $u/host/keepalived-apply-check.test.js $u/host/discovery.test.js" ;;
    host/facts) echo "$u/host/facts.test.js $u/host/status-facts.test.js $u/host/ipvs-parse.test.js $u/host/iptables.test.js $u/host/steps.test.js $u/host/step-edges.test.js $u/host/update-teardown.test.js $u/host/discovery.test.js $u/host/vip-holders.test.js $u/cli/status-report.test.js" ;;
    *) echo "test/mutation/run.sh: no test list for folder $1" >&2; return 1 ;;
  esac
}

folders=("$@")
[ ${#folders[@]} -gt 0 ] || folders=(core/config host/steps core/model core/render core/plan host/facts)
mkdir -p reports/mutation
incremental=false
[ "${MUTATION_INCREMENTAL:-}" != 1 ] || incremental=true
for folder in "${folders[@]}"; do
  name=${folder//\//-}
  mutate="\"$folder/**/*.ts\""
  if [ -n "${MUTATION_FILES:-}" ]; then
    name=$name-part
    mutate=$(node -e 'console.log(process.argv[1].split(",").map((f) => JSON.stringify(f)).join(", "))' "$MUTATION_FILES")
  fi
  if [ "${MUTATION_RETEST_SURVIVORS:-}" = 1 ]; then
    incremental=true
    node -e '
      const r = require(process.argv[1]);
      for (const f of Object.values(r.files)) f.mutants = f.mutants.filter((m) => m.status === "Killed" || m.status === "Timeout");
      process.stdout.write(JSON.stringify(r));
    ' "$PWD/reports/mutation/$name.json" > "reports/mutation/$name.incremental.json"
  fi
  tests=${MUTATION_TESTS:-$(tests_for "$folder")}
  config=reports/mutation/$name.config.json
  cat > "$config" <<JSON
{
  "\$schema": "../../node_modules/@stryker-mutator/core/schema/stryker-schema.json",
  "testRunner": "command",
  "commandRunner": { "command": "node --experimental-test-isolation=none --test-reporter=./test/mutation/bail-reporter.mjs --test $tests" },
  "buildCommand": "tsc -p tsconfig.json",
  "mutate": [$mutate],
  "ignorePatterns": ["dist", "out", "reports", ".lab-cache", ".stryker-tmp"],
  "concurrency": ${MUTATION_CONCURRENCY:-2},
  "timeoutMS": ${MUTATION_TIMEOUT_MS:-15000},
  "incremental": $incremental,
  "incrementalFile": "reports/mutation/$name.incremental.json",
  "reporters": ["clear-text", "progress", "html", "json"],
  "htmlReporter": { "fileName": "reports/mutation/$name.html" },
  "jsonReporter": { "fileName": "reports/mutation/$name.json" },
  "clearTextReporter": { "allowColor": false, "logTests": false, "reportScoreTable": true },
  "tempDirName": ".stryker-tmp/$name",
  "cleanTempDir": true
}
JSON
  echo "mutation: $folder against: $tests" >&2
  start=$(date +%s)
  stryker run "$config"
  node -e '
    const r = require(process.argv[1]);
    const n = { killed: 0, survived: 0, timeout: 0, nocov: 0, error: 0, ignored: 0 };
    for (const f of Object.values(r.files)) for (const m of f.mutants) {
      const s = m.status;
      if (s === "Killed") n.killed++; else if (s === "Timeout") n.timeout++; else if (s === "Survived") n.survived++;
      else if (s === "NoCoverage") n.nocov++; else if (s === "Ignored") n.ignored++; else n.error++;
    }
    const valid = n.killed + n.timeout + n.survived + n.nocov;
    const score = valid ? (100 * (n.killed + n.timeout) / valid).toFixed(1) : "n/a";
    console.log(`${process.argv[2]}: ${score}% (${n.killed} killed, ${n.timeout} timeout, ${n.survived} survived, ${n.nocov} no coverage, ${n.error} errors) ${process.argv[3]} s`);
  ' "$PWD/reports/mutation/$name.json" "$folder" "$(( $(date +%s) - start ))" | tee -a reports/mutation/scores.txt
done
