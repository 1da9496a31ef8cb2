/**
 * node:test reporter used by scripts/test.mjs: writes one JSON line per skipped test
 * ({file, name, reason}) so that the runner can close with a summary of what was not tested.
 */
export default async function* skipReporter(source) {
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const skip = event.data.skip;
    if (skip === undefined || skip === false || skip === 'test name does not match pattern') continue;
    yield JSON.stringify({ file: event.data.file ?? null, name: event.data.name, reason: typeof skip === 'string' ? skip : '' }) + '\n';
  }
}
