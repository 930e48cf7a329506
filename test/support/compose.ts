import { parse } from 'yaml';

/**
 * Just enough of Docker Compose and Dockerfile semantics for test/deployment.e2e-spec.ts to run the
 * image's commands without Docker: compose's variable interpolation and merge keys, and a
 * Dockerfile's stages and instructions.
 */

export interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string | number | boolean | null>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
  volumes?: string[];
  deploy?: { replicas?: number };
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
}

/** Every `${NAME...}` the file interpolates (`$${...}` is a literal dollar, left to the container). */
export function composeVariables(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(/(\$*)\$\{([A-Za-z_][A-Za-z0-9_]*)/g)) {
    if (m[1].length % 2 === 0) names.add(m[2]);
  }
  return [...names].sort();
}

/**
 * Parses a compose file the way `docker compose` does: `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
 * `${VAR:?error}`, `${VAR?error}` and `$$` interpolated from `vars`, YAML merge keys (`<<`) applied.
 */
export function loadCompose(text: string, vars: Record<string, string>): ComposeFile {
  const doc = parse(text, { merge: true }) as ComposeFile;
  return interpolateDeep(doc, vars) as ComposeFile;
}

function interpolateDeep(value: unknown, vars: Record<string, string>): unknown {
  if (typeof value === 'string') return interpolate(value, vars);
  if (Array.isArray(value)) return value.map((v) => interpolateDeep(v, vars));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateDeep(v, vars)]));
  }
  return value;
}

export function interpolate(text: string, vars: Record<string, string>): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}/g,
    (whole, name: string | undefined, colon: string, op: string, arg: string) => {
      if (whole === '$$') return '$';
      const value = vars[name!];
      const missing = value === undefined || (colon === ':' && value === '');
      if (!op || !missing) return value ?? '';
      if (op === '-') return arg;
      throw new Error(`compose: ${name} is required: ${arg}`);
    },
  );
}

/** `KEY=value` lines of a dotenv file (comments and blank lines skipped). */
export function parseDotenv(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m) vars[m[1]] = m[2].trim();
  }
  return vars;
}

export interface DockerInstruction {
  keyword: string;
  args: string;
}

/** Instructions per stage (continuation lines joined, comments dropped); the last stage is the runtime. */
export function dockerfileStages(text: string): DockerInstruction[][] {
  const joined = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ');
  const stages: DockerInstruction[][] = [];
  for (const line of joined.split('\n')) {
    const m = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const instruction = { keyword: m[1].toUpperCase(), args: m[2].trim() };
    if (instruction.keyword === 'FROM') stages.push([]);
    stages[stages.length - 1]?.push(instruction);
  }
  return stages;
}

/** The exec-form JSON array of a CMD/ENTRYPOINT/HEALTHCHECK CMD (shell form is refused: no shell here). */
export function execForm(args: string): string[] {
  const json = args.replace(/^(--\S+\s+)*(CMD\s+)?/, '');
  const parsed = JSON.parse(json) as unknown;
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string')) {
    throw new Error(`not an exec-form array: ${args}`);
  }
  return parsed;
}

/** `ENV A=1 B=2` instructions of a stage, merged. */
export function stageEnv(stage: DockerInstruction[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const i of stage.filter((s) => s.keyword === 'ENV')) {
    for (const m of i.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S*)/g)) {
      env[m[1]] = m[2].replace(/^"|"$/g, '');
    }
  }
  return env;
}
