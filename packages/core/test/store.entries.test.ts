import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

/** Every module specifier reachable through static imports and re-exports from `entry`. */
function reachable(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    // Without comments: TSDoc examples show imports that are not the module's own.
    const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    for (const [, specifier] of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'/g)) {
      if (specifier!.startsWith('.')) visit(resolve(dirname(file), specifier!.replace(/\.js$/, '.ts')));
      else packages.add(specifier!);
    }
  };
  visit(entry);
  return { files, packages };
}

describe('package entries', () => {
  it('the main entry never imports vitest or the conformance suite', () => {
    const { files, packages } = reachable(resolve(src, 'index.ts'));
    expect([...packages].filter((name) => !name.startsWith('node:'))).toEqual(['zod']);
    expect([...files].some((file) => file.includes('store-conformance') || file.includes('/testing/'))).toBe(false);
  });

  it('the testing entry brings vitest, for the conformance suite only', () => {
    const { packages } = reachable(resolve(src, 'testing/index.ts'));
    expect([...packages].sort()).toEqual(['vitest']);
    const manifest = JSON.parse(readFileSync(resolve(src, '../package.json'), 'utf8')) as {
      peerDependencies?: Record<string, string>;
      peerDependenciesMeta?: Record<string, { optional?: boolean }>;
    };
    expect(manifest.peerDependencies?.vitest).toBeDefined();
    expect(manifest.peerDependenciesMeta?.vitest?.optional).toBe(true);
  });
});
