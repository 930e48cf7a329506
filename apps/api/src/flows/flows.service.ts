import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@conclave/auth';
import { APP_CONFIG, type AppConfig } from '@conclave/config';
import { DomainError, notFound, parseFlowSpec, type FlowSpec } from '@conclave/domain';
import { providerKeyWarnings } from '@conclave/llm';
import { FlowsRepository, type FlowRow, SecretsRepository } from '@conclave/persistence';

/** A saved flow version and what would make its runs fail (e.g. a provider key not configured). */
export interface SavedFlow {
  row: FlowRow;
  warnings: string[];
}

/** Flow management: every write validates the spec; an edit is a new version. */
@Injectable()
export class FlowsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly flows: FlowsRepository,
    private readonly secrets: SecretsRepository,
  ) {}

  async create(principal: Principal, body: unknown): Promise<SavedFlow> {
    const flow = validate(body);
    return {
      row: await this.flows.create(principal.accountId, flow.name, flow),
      warnings: await this.warnings(principal, flow),
    };
  }

  async update(principal: Principal, id: string, body: unknown): Promise<SavedFlow> {
    const flow = validate(body);
    const row = await this.flows.update(principal.accountId, id, flow.name, flow);
    if (!row) throw notFound('Flow');
    return { row, warnings: await this.warnings(principal, flow) };
  }

  /** Saved anyway: the operator may set the variable before the first run. */
  private async warnings(principal: Principal, flow: FlowSpec): Promise<string[]> {
    // The secrets this account can name in api_key_ref: its own and the operator's open to it.
    const operator = Object.entries(this.config.secrets.operator)
      .filter(([, s]) => !s.accounts || s.accounts.includes(principal.accountId))
      .map(([name]) => name);
    const own = (await this.secrets.list(principal.accountId)).map((s) => s.name);
    return providerKeyWarnings(flow, {
      openai: this.config.llm.openai,
      secretNames: new Set([...operator, ...own]),
    });
  }

  async get(principal: Principal, id: string, version?: number): Promise<FlowRow> {
    const row = await this.flows.get(principal.accountId, id, version);
    if (!row) throw notFound('Flow');
    return row;
  }

  list(principal: Principal): Promise<FlowRow[]> {
    return this.flows.list(principal.accountId);
  }

  async versions(principal: Principal, id: string) {
    const versions = await this.flows.versions(principal.accountId, id);
    if (versions.length === 0) throw notFound('Flow');
    return versions;
  }

  /** Archive, not delete: chats pinned to the flow keep working; it disappears from lists and new chats. */
  async archive(principal: Principal, id: string): Promise<void> {
    if (!(await this.flows.archive(principal.accountId, id))) throw notFound('Flow');
  }
}

function validate(body: unknown): FlowSpec {
  const result = parseFlowSpec(body);
  if (!result.ok) {
    // The first problem in the message (what a curl user reads), all of them in `errors`.
    const more = result.errors.length > 1 ? ` (and ${result.errors.length - 1} more in errors)` : '';
    throw new DomainError('invalid', `Invalid flow spec: ${result.errors[0]}${more}`, {
      errors: result.errors,
    });
  }
  return result.flow;
}

export function toFlowDto(row: FlowRow) {
  return {
    id: row.id,
    name: row.name,
    version: row.version,
    archived: row.archived_at !== null,
    spec: row.spec,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
