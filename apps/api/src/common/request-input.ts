import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { describePath, findNul, screenJson, type JsonPath } from './json-screen';

/**
 * How request input is read, for every route family alike (native, Aksita, Asyntai):
 * - a body is JSON whatever its Content-Type (curl's `-d` sends form encoding by default, which
 *   would otherwise hide the fields that were sent); only multipart bodies are left to their routes;
 * - before parsing, the raw body is screened (depth, NUL), and so is the query string.
 * A problem is a 400 naming the field, rendered in the route family's error shape.
 */

/** Deeper than any flow, JSON Schema or metadata needs; far below what recursive code can take. */
export const MAX_JSON_DEPTH = 64;

export function readsAsJson(req: IncomingMessage): boolean {
  return !/^multipart\//i.test(req.headers['content-type'] ?? '');
}

/** body-parser's `verify`: runs on the raw bytes before `JSON.parse`. */
export function screenBody(_req: IncomingMessage, _res: unknown, buf: Buffer, encoding: string): void {
  if (encoding && !/^utf-?8$/i.test(encoding)) return;
  const found = screenJson(buf, MAX_JSON_DEPTH);
  if (found?.problem === 'nul') throw nulError(found.path);
  if (found?.problem === 'surrogate')
    throw inputError(
      `${describePath(found.path)}: contains an unpaired UTF-16 surrogate (e.g. \\ud800 alone)`,
    );
  if (found?.problem === 'too_deep')
    throw inputError(`${describePath(found.path)}: nested deeper than ${MAX_JSON_DEPTH} levels`);
}

/** Query strings cannot carry NUL either (they end up in SQL parameters). */
export function screenQuery(req: Request, _res: Response, next: NextFunction): void {
  const at = findNul(req.query);
  next(at ? nulError(at) : undefined);
}

function nulError(path: JsonPath): Error {
  return inputError(`${describePath(path)}: must not contain NUL characters (\\u0000)`);
}

/** Carries a 4xx status, which body-parser and `describeError` keep. */
function inputError(message: string): Error {
  return Object.assign(new Error(message), { status: 400, type: 'input.rejected' });
}
