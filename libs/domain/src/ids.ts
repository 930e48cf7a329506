const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Resource ids are UUIDs; anything else names nothing we have. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}
