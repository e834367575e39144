// `npm test`: the typecheck, then unit and integration tests, then the browser tests on their
// own (Chromium's software rendering needs the CPU to itself to meet the wall's time budgets).
// Ends with one "FAILED file > test: first line of the error" line per failed test, then the plain
// line CI reads: "tests: N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { buildClient, buildIsStale } from './client-build.mjs';

const extra = process.argv.slice(2);
const reports = 'test-output';
mkdirSync(reports, { recursive: true });

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit' });
  return result.status ?? 1;
}

function vitest(name, projects) {
  const report = `${reports}/vitest-${name}.json`;
  rmSync(report, { force: true });
  const code = run('npx', [
    'vitest', 'run', ...projects.flatMap((p) => ['--project', p]), '--passWithNoTests', '--maxWorkers=2',
    '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extra,
  ]);
  let counts = { passed: 0, failed: 0, skipped: 0 };
  let failures = [];
  try {
    const json = JSON.parse(readFileSync(report, 'utf8'));
    failures = (json.testResults ?? []).flatMap((file) =>
      (file.assertionResults ?? []).filter((a) => a.status === 'failed').map((a) =>
        `${file.name.replace(process.cwd() + '/', '')} > ${a.fullName}: ${String(a.failureMessages?.[0] ?? '').split('\n')[0].slice(0, 300)}`));
    counts = {
      passed: json.numPassedTests ?? 0,
      failed: json.numFailedTests ?? 0,
      skipped: (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0),
    };
  } catch {
    // no report: the run itself failed before testing (counted by its exit code below)
  }
  return { code, counts, failures };
}

const typecheck = run('npm', ['run', 'typecheck']);
if (typecheck !== 0) {
  console.log('tests: 0 passed, 1 failed');
  process.exit(typecheck);
}
// The wall is built once here, before any test file runs: two files at a time must not both
// find client/dist stale and build it over each other.
const stale = buildIsStale();
if (stale) {
  console.log(`tests: building the wall (client/dist is ${stale})…`);
  if (buildClient() !== 0) {
    console.log('tests: 0 passed, 1 failed');
    process.exit(1);
  }
}
const main = vitest('main', ['unit', 'integration']);
const browser = vitest('browser', ['browser']);
// The failed tests again at the very end, where a CI log's tail shows them.
for (const line of [...main.failures, ...browser.failures]) console.log(`FAILED ${line}`);
const total = ['passed', 'failed', 'skipped'].map((k) => main.counts[k] + browser.counts[k]);
console.log(`tests: ${total[0]} passed, ${total[1]} failed, ${total[2]} skipped`);
process.exit(main.code !== 0 ? main.code : browser.code);
