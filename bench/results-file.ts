// Writes one benchmark's section into bench/RESULTS.md, replacing that section's previous figures.
import { readFileSync, writeFileSync } from 'node:fs';

const FILE = new URL('./RESULTS.md', import.meta.url);

/** Replaces the `## <title>` section (up to the next `## `) with `body`, or appends it. */
export function writeResultsSection(title: string, body: string): void {
  const text = readFileSync(FILE, 'utf8');
  const heading = `## ${title}`;
  const start = text.indexOf(heading);
  const section = `${heading}\n\n${body.trim()}\n\n`;
  if (start < 0) {
    writeFileSync(FILE, `${text.trimEnd()}\n\n${section}`);
    return;
  }
  const next = text.indexOf('\n## ', start + heading.length);
  writeFileSync(FILE, text.slice(0, start) + section + (next < 0 ? '' : text.slice(next + 1)));
}
