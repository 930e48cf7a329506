import { execFileSync } from 'node:child_process';

/**
 * Validates an OpenAPI document against the official 3.x JSON Schemas with
 * @seriousme/openapi-schema-validator. It is an ES module, which Jest's CommonJS runtime cannot load,
 * so it runs in a child Node process.
 */
export function validateOpenApi(document: unknown): { valid: boolean; version?: string; errors?: unknown } {
  const script = `
    import { Validator } from '@seriousme/openapi-schema-validator';
    let text = '';
    for await (const chunk of process.stdin) text += chunk;
    const validator = new Validator();
    const result = await validator.validate(JSON.parse(text));
    process.stdout.write(JSON.stringify({ ...result, version: validator.version }));
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    input: JSON.stringify(document),
    encoding: 'utf8',
  });
  return JSON.parse(out) as { valid: boolean; version?: string; errors?: unknown };
}
