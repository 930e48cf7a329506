import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@conclave/config';
import { DomainError, notFound, parseFlowSpec, type AccountScope, type FlowSpec } from '@conclave/domain';
import { providerKeyWarnings } from '@conclave/llm';
import { FlowsRepository, type FlowRow, SecretsRepository } from '@conclave/persistence';

/** A saved flow version and what would make its runs fail (e.g. a provider key not configured). */
export interface SavedFlow {
  row: FlowRow;
  warnings: string[];
}

/** Flow management (the whole account's): every write validates the spec; an edit is a new version. */
@Injectable()
export class FlowsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly flows: FlowsRepository,
    private readonly secrets: SecretsRepository,
  ) {}

  async create(owner: AccountScope, body: unknown): Promise<SavedFlow> {
    const flow = validate(body);
    return {
      row: await this.flows.create(owner, flow.name, flow),
      warnings: await this.warnings(owner, flow),
    };
  }

  async update(owner: AccountScope, id: string, body: unknown): Promise<SavedFlow> {
    const flow = validate(body);
    const row = await this.flows.update(owner, id, flow.name, flow);
    if (!row) throw notFound('Flow');
    return { row, warnings: await this.warnings(owner, flow) };
  }

  /** Saved anyway: the operator may set the variable before the first run. */
  private async warnings(owner: AccountScope, flow: FlowSpec): Promise<string[]> {
    // The secrets this account can name in api_key_ref: its own and the operator's open to it.
    const operator = Object.entries(this.config.secrets.operator)
      .filter(([, s]) => !s.accounts || s.accounts.includes(owner.accountId))
      .map(([name]) => name);
    const own = (await this.secrets.list(owner.accountId)).map((s) => s.name);
    return providerKeyWarnings(flow, {
      openai: this.config.llm.openai,
      secretNames: new Set([...operator, ...own]),
    });
  }

  async get(owner: AccountScope, id: string, version?: number): Promise<FlowRow> {
    const row = await this.flows.get(owner, id, version);
    if (!row) throw notFound('Flow');
    return row;
  }

  list(owner: AccountScope): Promise<FlowRow[]> {
    return this.flows.list(owner);
  }

  async versions(owner: AccountScope, id: string) {
    const versions = await this.flows.versions(owner, id);
    if (versions.length === 0) throw notFound('Flow');
    return versions;
  }

  /** Archive, not delete: chats pinned to the flow keep working; it disappears from lists and new chats. */
  async archive(owner: AccountScope, id: string): Promise<void> {
    if (!(await this.flows.archive(owner, id))) throw notFound('Flow');
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
