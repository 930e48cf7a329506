/**
 * A status set of the run lifecycle (`@conclave/domain`) as an SQL list, for guards such as
 * `status IN ${statusList(ACTIVE_RUN_STATUSES)}`. Inlined rather than bound so the planner still
 * matches the partial indexes built on the same sets; the values are the domain's constants, never
 * input, and quoted anyway.
 */
export function statusList(statuses: readonly (string | null)[]): string {
  const values = statuses.filter((s): s is string => s !== null);
  if (values.length === 0) throw new Error('an empty status set guards nothing');
  return `(${values.map((s) => `'${s.replace(/'/g, "''")}'`).join(',')})`;
}
