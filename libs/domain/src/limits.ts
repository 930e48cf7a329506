/**
 * Bounds of what the database stores. Counters, seqs and versions are Postgres `int` (int4): a
 * number beyond it must be refused at the edge naming the field, not reach SQL and fail there.
 */
export const INT4_MAX = 2_147_483_647;
