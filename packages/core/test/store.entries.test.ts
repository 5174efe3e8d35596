import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = resolve(dirname(fileURLToPath(import.meta.url)), '../src');
const dist = resolve(src, '../dist');

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

  it('the testing entry never imports vitest or any other package', () => {
    const { packages } = reachable(resolve(src, 'testing/index.ts'));
    expect([...packages].filter((name) => !name.startsWith('node:'))).toEqual([]);
    const manifest = JSON.parse(readFileSync(resolve(src, '../package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
      peerDependencies?: Record<string, string>;
      peerDependenciesMeta?: Record<string, unknown>;
    };
    expect(manifest.dependencies?.vitest).toBeUndefined();
    expect(manifest.peerDependencies?.vitest).toBeUndefined();
    expect(manifest.peerDependenciesMeta?.vitest).toBeUndefined();
  });

  // The built files, shared chunks included, as users load them (after `pnpm build`).
  it.skipIf(!existsSync(resolve(dist, 'testing.js')))('the built testing entry (ESM and CJS) never imports or requires vitest', () => {
    const visit = (file: string, seen: Set<string>): Set<string> => {
      if (seen.has(file)) return seen;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      for (const [, specifier] of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["']([^"']+)["']/g)) {
        if (specifier!.startsWith('.')) visit(resolve(dirname(file), specifier!), seen);
      }
      return seen;
    };
    for (const entry of ['testing.js', 'testing.cjs']) {
      const files = [...visit(resolve(dist, entry), new Set())];
      expect(files.length).toBeGreaterThan(1);
      for (const file of files) {
        const text = readFileSync(file, 'utf8');
        expect(text, file).not.toMatch(/\bfrom\s*["']vitest["']|\bimport\s*\(?\s*["']vitest["']|\brequire\s*\(\s*["']vitest["']\s*\)/);
      }
    }
  });
});
