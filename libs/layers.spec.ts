import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * The architecture's import directions (libs/layers.json, docs/architecture.md "Layering"), checked
 * on every source file of apps/, libs/ and packages/: a library that imports against the direction
 * fails `npm test`, not a review. eslint.config.mjs reads the same table for editor feedback.
 */

interface LayerRule {
  imports: string[] | '*';
  nest?: boolean;
  npm?: string[];
}
interface Layers {
  libs: Record<string, LayerRule>;
  apps: Record<string, LayerRule>;
}

const ROOT = resolve(__dirname, '..');
const LAYERS = JSON.parse(readFileSync(join(__dirname, 'layers.json'), 'utf8')) as Layers;
const TSCONFIG_PATHS = (
  JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8')) as {
    compilerOptions: { paths: Record<string, string[]> };
  }
).compilerOptions.paths;
/** `@conclave/<name>` aliases that are publishable packages (packages/*), not libs. */
const PACKAGES = new Set(
  Object.entries(TSCONFIG_PATHS)
    .filter(([, targets]) => targets.some((t) => t.startsWith('packages/')))
    .map(([alias]) => alias.replace('@conclave/', '')),
);

/** Where a file lives: `libs/<name>`, `apps/<name>`, `packages/<name>`, or another top folder. */
type Area = { kind: 'libs' | 'apps' | 'packages'; name: string } | { kind: 'other'; name: string };

function areaOf(path: string): Area {
  const [top, name, ...rest] = relative(ROOT, path).split(sep);
  if ((top === 'libs' || top === 'apps' || top === 'packages') && rest.length > 0) return { kind: top, name };
  return { kind: 'other', name: top };
}

/** Every module specifier a file imports or re-exports (static, side-effect, dynamic, require). */
function importsOf(source: string): string[] {
  const found: string[] = [];
  const patterns = [
    /^\s*(?:import|export)\s[^;]*?\sfrom\s*['"]([^'"]+)['"]/gms,
    /^\s*import\s*['"]([^'"]+)['"]/gm,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) for (const m of source.matchAll(pattern)) found.push(m[1]);
  return found;
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Why `file` may not import `specifier`, or null when the layering allows it. */
function violation(layers: Layers, file: string, specifier: string): string | null {
  const from = areaOf(file);
  if (from.kind === 'other') return null;
  const rule =
    from.kind === 'libs' ? layers.libs[from.name] : from.kind === 'apps' ? layers.apps[from.name] : null;
  if (from.kind !== 'packages' && !rule)
    return `${from.kind}/${from.name} is not in libs/layers.json: add it with the imports it may use`;
  const allowsLib = (lib: string) =>
    rule !== null && (rule.imports === '*' || rule.imports.includes(lib) || lib === from.name);

  if (specifier.startsWith('.')) {
    const to = areaOf(resolve(dirname(file), specifier));
    if (to.kind === from.kind && to.name === from.name) return null;
    if (to.kind === 'other' && to.name === 'test' && file.endsWith('.spec.ts')) return null; // test support
    if (to.kind === 'libs') return `imports libs/${to.name} by a relative path: use @conclave/${to.name}`;
    return `imports ${to.kind === 'other' ? to.name : `${to.kind}/${to.name}`}: outside its own folder`;
  }
  const lib = /^@conclave\/([\w-]+)/.exec(specifier)?.[1];
  if (lib && PACKAGES.has(lib))
    return from.kind === 'libs' ? `libs do not use the client packages (@conclave/${lib})` : null;
  if (lib) {
    if (from.kind === 'packages') return 'a package is published alone: no @conclave/* imports';
    return allowsLib(lib) ? null : `may not import @conclave/${lib} (libs/layers.json)`;
  }
  if (specifier.startsWith('@nestjs/'))
    return rule?.nest ? null : `may not use Nest (${specifier}): keep framework code in the apps`;
  if (rule?.npm && !rule.npm.includes(packageName(specifier)))
    return `is pure: ${specifier} is not among its allowed npm packages (libs/layers.json)`;
  return null;
}

function sourceFiles(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'dist' ? [] : sourceFiles(path);
    return /\.(ts|tsx|mts)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

describe('layering (libs/layers.json)', () => {
  it('every import of apps/, libs/ and packages/ follows the allowed directions', () => {
    const files = ['apps', 'libs', 'packages'].flatMap((top) => sourceFiles(join(ROOT, top)));
    expect(files.length).toBeGreaterThan(100);
    const violations = files.flatMap((file) =>
      importsOf(readFileSync(file, 'utf8')).flatMap((specifier) => {
        const why = violation(LAYERS, file, specifier);
        return why ? [`${relative(ROOT, file)}: '${specifier}' — ${why}`] : [];
      }),
    );
    expect(violations).toEqual([]);
  });

  it('every library in tsconfig paths has a rule', () => {
    const libs = Object.keys(TSCONFIG_PATHS)
      .map((p) => p.replace('@conclave/', ''))
      .filter((name) => !PACKAGES.has(name));
    expect(libs.length).toBeGreaterThan(10);
    expect(libs.filter((lib) => !LAYERS.libs[lib])).toEqual([]);
  });

  describe('the checker', () => {
    const at = (path: string) => join(ROOT, path);
    it('refuses an import against the direction, Nest in a library without it, and apps from libs', () => {
      expect(violation(LAYERS, at('libs/engine/src/x.ts'), '@conclave/persistence')).toMatch(
        /may not import/,
      );
      expect(violation(LAYERS, at('libs/persistence/src/x.ts'), '@conclave/runtime')).toMatch(
        /may not import/,
      );
      expect(violation(LAYERS, at('libs/runtime/src/x.ts'), '@nestjs/common')).toMatch(/Nest/);
      expect(violation(LAYERS, at('libs/domain/src/x.ts'), 'pg')).toMatch(/pure/);
      expect(violation(LAYERS, at('libs/runtime/src/x.ts'), '../../../apps/api/src/app.module')).toMatch(
        /outside/,
      );
      expect(violation(LAYERS, at('libs/runtime/src/x.ts'), '../../persistence/src')).toMatch(/relative/);
      expect(violation(LAYERS, at('apps/worker/src/x.ts'), '../../api/src/api-app')).toMatch(/outside/);
      expect(violation(LAYERS, at('libs/newlib/src/x.ts'), 'zod')).toMatch(/not in libs\/layers.json/);
    });

    it('allows the directions in the table, its own files and test support from specs', () => {
      expect(violation(LAYERS, at('libs/engine/src/x.ts'), '@conclave/domain')).toBeNull();
      expect(violation(LAYERS, at('libs/engine/src/a/x.ts'), '../state')).toBeNull();
      expect(violation(LAYERS, at('libs/auth/src/x.ts'), '@nestjs/common')).toBeNull();
      expect(violation(LAYERS, at('libs/llm/src/a/x.spec.ts'), '../../../../test/support/s')).toBeNull();
      expect(violation(LAYERS, at('apps/api/src/x.ts'), '@conclave/runtime')).toBeNull();
      expect(violation(LAYERS, at('apps/console/src/x.ts'), '@conclave/sdk')).toBeNull();
    });

    it('finds static, re-exported, side-effect, dynamic and required imports', () => {
      const source = [
        "import { a } from 'one';",
        "import type {\n  B,\n} from 'two';",
        "export * from './three';",
        "import 'four';",
        "const x = await import('five');",
        "const y = require('six');",
        "// the text 'from' in a comment from nowhere",
      ].join('\n');
      expect(importsOf(source).sort()).toEqual(['five', 'four', 'one', 'six', './three', 'two'].sort());
    });
  });
});
