/**
 * A node:test reporter that prints the slowest tests when a run ends, beside the spec reporter:
 *   node --test --test-reporter=spec --test-reporter-destination=stdout \
 *        --test-reporter=./scripts/slowest-tests-reporter.mjs --test-reporter-destination=stdout …
 * SLOWEST_TESTS sets how many (default 10). Only leaf tests count (a file's own line is its total).
 */
const COUNT = Number(process.env.SLOWEST_TESTS ?? 10);

export default async function* slowestTests(source) {
  const done = [];
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { name, file, details, nesting } = event.data;
    if (details?.type === 'suite' || typeof details?.duration_ms !== 'number') continue;
    done.push({ name, file, nesting, ms: details.duration_ms });
  }
  // A file run in its own process reports one extra test named after the file: skip those.
  const tests = done.filter((t) => !(t.nesting === 0 && t.file && t.name === t.file));
  tests.sort((a, b) => b.ms - a.ms);
  if (!tests.length) return;
  yield `\nslowest ${Math.min(COUNT, tests.length)} tests:\n`;
  for (const t of tests.slice(0, COUNT)) {
    const where = t.file ? ` (${t.file.replace(`${process.cwd()}/`, '')})` : '';
    yield `${(t.ms / 1000).toFixed(1).padStart(7)} s  ${t.name}${where}\n`;
  }
}
