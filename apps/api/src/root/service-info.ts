import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DEFAULT_CONSOLE_DIR } from '../console/console-static';

export interface ServiceInfo {
  service: 'conclave';
  name: string;
  version: string;
  description: string;
  links: {
    docs: string;
    openapi: string;
    /** null when the console is not built (`npm run build` builds it). */
    console: string | null;
    health: string;
    flow_schema: string;
    readme: string;
  };
}

/** What `GET /` tells someone who just started the server and opened its address. */
export function serviceInfo(consoleDir = DEFAULT_CONSOLE_DIR): ServiceInfo {
  return {
    service: 'conclave',
    name: 'Conclave',
    version: packageVersion(),
    description:
      'Multi-agent conversations (AG2 semantics) over HTTP, socket.io and SSE; Agentok, Aksita and Asyntai compatible APIs.',
    links: {
      docs: '/docs',
      openapi: '/docs-json',
      console: existsSync(join(consoleDir, 'index.html')) ? '/console' : null,
      health: '/health',
      flow_schema: '/flows/schema',
      readme: 'README.md in the repository (Quick start, then the walkthrough)',
    },
  };
}

let cachedVersion: string | undefined;

/** The repository's package.json version, found upward from this file (works from src and dist). */
function packageVersion(): string {
  if (cachedVersion) return cachedVersion;
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'conclave' && pkg.version) return (cachedVersion = pkg.version);
    }
    if (dirname(dir) === dir) return (cachedVersion = 'unknown');
  }
}
