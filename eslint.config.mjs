import { readFileSync } from 'node:fs';
import tseslint from 'typescript-eslint';

// The architecture's import directions (docs/architecture.md, "Layering"); libs/layers.spec.ts
// enforces the same table in `npm test`, this gives the editor's early warning.
const layers = JSON.parse(readFileSync(new URL('./libs/layers.json', import.meta.url), 'utf8'));
const allLibs = Object.keys(layers.libs);

function restrictedImports(name, rule) {
  const allowed = rule.imports === '*' ? allLibs : [...rule.imports, name];
  const patterns = allLibs
    .filter((lib) => !allowed.includes(lib))
    .map((lib) => ({
      group: [`@conclave/${lib}`, `@conclave/${lib}/*`],
      message: `${name} may not import ${lib} (libs/layers.json, docs/architecture.md).`,
    }));
  if (!rule.nest)
    patterns.push({ group: ['@nestjs/*'], message: `${name} does not use Nest: keep framework code in the apps.` });
  patterns.push({ group: ['**/apps/*', '**/apps/**'], message: 'Never import an app from elsewhere.' });
  return { 'no-restricted-imports': ['error', { patterns }] };
}

export default tseslint.config(
  { ignores: ['dist/**', 'packages/*/dist/**', 'packages/sdk/src/generated/**', 'node_modules/**', '.data/**', 'coverage/**', '*.js', '*.mjs'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  ...Object.entries(layers.libs).map(([name, rule]) => ({
    files: [`libs/${name}/**/*.ts`],
    rules: restrictedImports(name, rule),
  })),
  ...Object.entries(layers.apps).map(([name, rule]) => ({
    files: [`apps/${name}/**/*.{ts,tsx}`],
    rules: restrictedImports(name, rule),
  })),
);
