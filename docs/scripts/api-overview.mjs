// @ts-check
/* global console, process */
// Gives the API overview (api/index.md, which typedoc writes as a bare list of package links)
// one line per package: the `description` of the package's package.json, so the two cannot
// drift. Runs after typedoc (`pnpm run api`).
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The overview with `: description` after each `- [@scope/name](link)` line of a known package;
 * throws when a listed package has no description, so a new package cannot go undescribed.
 * @param {string} markdown typedoc's api/index.md
 * @param {ReadonlyMap<string, string>} descriptions package name to description
 * @returns {string}
 */
export function describePackages(markdown, descriptions) {
  let listed = 0;
  const out = markdown.replace(/^- \[(@[\w-]+\/[\w-]+)\]\(([^)]+)\)$/gm, (_line, name, link) => {
    const description = descriptions.get(name);
    if (description === undefined || description.trim() === '') throw new Error(`api overview: ${name} has no description in its package.json`);
    listed++;
    return `- [${name}](${link}): ${description.trim()}`;
  });
  if (listed === 0) throw new Error('api overview: no package links found in the typedoc index; did its layout change?');
  return out;
}

const docsRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const packagesDir = join(docsRoot, '..', 'packages');
  /** @type {Map<string, string>} */
  const descriptions = new Map();
  for (const dir of readdirSync(packagesDir)) {
    const manifest = /** @type {{ name: string; description?: string }} */ (JSON.parse(readFileSync(join(packagesDir, dir, 'package.json'), 'utf8')));
    if (manifest.description !== undefined) descriptions.set(manifest.name, manifest.description);
  }
  const index = join(docsRoot, 'api', 'index.md');
  writeFileSync(index, describePackages(readFileSync(index, 'utf8'), descriptions));
  console.log(`api overview: described ${descriptions.size} packages in api/index.md`);
}
