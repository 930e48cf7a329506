import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { conflict, DomainError } from '@conclave/domain';
import type { AuthenticatedRequest } from '@conclave/auth';
import { IdempotencyRepository } from '@conclave/persistence';
import { SHOWN_ONCE } from './shown-once.decorator';

const HEADER = 'idempotency-key';
/** How long a duplicate waits for the first request to finish before answering 409. */
const IN_PROGRESS_WAIT_MS = 5_000;

/**
 * `Idempotency-Key` on POST routes (README: queue mode, Idempotency-Key), scoped by account: the first request with a key
 * executes and its response (status + body) is stored; a repeat with the same body replays it and
 * starts nothing; a different body (or route) with the same key → 422; a repeat while the first is
 * still executing waits up to 5 s for it, then → 409. Only successful responses are stored: a
 * request that failed releases its key, so a retry executes afresh.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly keys: IdempotencyRepository,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    const key = req.headers[HEADER];
    const accountId = req.principal?.accountId;
    if (req.method !== 'POST' || typeof key !== 'string' || !accountId) return next.handle();
    return from(this.handle(context, next, req, accountId, key));
  }

  private async handle(
    context: ExecutionContext,
    next: CallHandler,
    req: Request,
    accountId: string,
    key: string,
  ): Promise<unknown> {
    if (key.length === 0 || key.length > 255)
      throw new DomainError('invalid', 'Idempotency-Key must be 1 to 255 characters');
    // The caller's agent is part of the request: an agent-scoped key never gets the replay of a
    // response stored for the account key (or another agent's key) under the same Idempotency-Key.
    const hash = requestHash(req, (req as AuthenticatedRequest).principal?.agentId ?? null);
    const shownOnce = this.reflector.get<boolean>(SHOWN_ONCE, context.getHandler()) === true;
    const res = context.switchToHttp().getResponse<Response>();
    let claim = await this.keys.claim(accountId, key, hash);
    const deadline = Date.now() + IN_PROGRESS_WAIT_MS;
    while (claim.state === 'in_progress' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      claim = await this.keys.lookup(accountId, key, hash);
    }
    switch (claim.state) {
      case 'mismatch':
        throw new DomainError('unprocessable', 'Idempotency-Key was already used with a different request');
      case 'in_progress':
        throw conflict('A request with this Idempotency-Key is still in progress');
      case 'done':
        if (shownOnce)
          throw conflict(
            'The secret is shown once: this request already created it; create another one instead',
            {
              id: (claim.response as { id?: unknown } | null)?.id ?? null,
            },
          );
        res.setHeader('Idempotent-Replayed', 'true');
        res.status(claim.statusCode);
        return claim.response;
      case 'reserved':
        break;
    }
    try {
      const body = await lastValueFrom(next.handle(), { defaultValue: undefined });
      // The status Nest will send: the route's @HttpCode, else 201 for POST.
      const status = this.reflector.get<number>(HTTP_CODE_METADATA, context.getHandler()) ?? 201;
      // A shown-once secret never lands in idempotency_keys: only the created resource's id does.
      const stored = shownOnce ? { id: (body as { id?: unknown } | null)?.id ?? null } : body;
      await this.keys.complete(accountId, key, status, stored === undefined ? null : stored);
      return body;
    } catch (err) {
      await this.keys.abandon(accountId, key).catch(() => undefined);
      throw err;
    }
  }
}

/** The caller's agent scope, method, path with query, and the body in canonical (sorted-key) JSON. */
function requestHash(req: Request, agentId: string | null): string {
  return createHash('sha256')
    .update(`${agentId ?? '*'} ${req.method} ${req.originalUrl}\n${canonicalJson(req.body ?? null)}`)
    .digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object' && !(value instanceof Date))
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}
