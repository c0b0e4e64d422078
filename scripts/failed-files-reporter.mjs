// A node:test reporter that writes the file of every failing test, one per line, so the runner can retry those files.
// Plain JavaScript: node loads reporters before the tsx loader is in place.

/**
 * @param {AsyncIterable<{ type: string, data?: { file?: string } }>} source
 * @returns {AsyncGenerator<string>}
 */
export default async function* failedFiles(source) {
  const seen = new Set();
  for await (const event of source) {
    const file = event.data?.file;
    if (event.type !== 'test:fail' || file === undefined || seen.has(file)) continue;
    seen.add(file);
    yield `${file}\n`;
  }
}
