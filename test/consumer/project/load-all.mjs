// Every public entry point (entry-points.json, from the packed exports maps) loads by import.
import { readFileSync } from 'node:fs';

const specs = JSON.parse(readFileSync(new URL('./entry-points.json', import.meta.url), 'utf8'));
for (const spec of specs) await import(spec);
process.stdout.write(`imported ${specs.length}\n`);
