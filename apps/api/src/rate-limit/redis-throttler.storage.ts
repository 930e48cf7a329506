import { ThrottlerStorageService, type ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import type Redis from 'ioredis';

/**
 * Fixed-window counters in Redis, shared by every API instance (queue mode). One Lua call per
 * request (EVALSHA): increment the window's counter, set its expiry on the first hit, and keep a block key
 * while the caller is over the limit. No maintained Redis storage package supports throttler 6 on
 * Node 20 without pulling another client, so this stays a few lines over ioredis.
 */
export class RedisThrottlerStorage implements ThrottlerStorage {
  /**
   * Redis down: counting goes on in this process's memory (each instance then limits on its own)
   * rather than failing every request; Redis is used again as soon as it answers.
   */
  private readonly fallback = new ThrottlerStorageService();

  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'conclave:throttle',
  ) {
    // A defined command is sent as EVALSHA (the script's hash, not its text, on every request;
    // ioredis falls back to EVAL once when the server does not have the script, e.g. after a restart).
    redis.defineCommand(COMMAND, { numberOfKeys: 2, lua: SCRIPT });
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    if (this.redis.status !== 'ready')
      return this.fallback.increment(key, ttl, limit, blockDuration, throttlerName);
    try {
      return await this.incrementInRedis(key, ttl, limit, blockDuration, throttlerName);
    } catch {
      return this.fallback.increment(key, ttl, limit, blockDuration, throttlerName);
    }
  }

  private async incrementInRedis(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    const base = `${this.prefix}:${throttlerName}:${key}`;
    const [hits, ttlLeft, blockLeft] = await (this.redis as Redis & ThrottleCommand)[COMMAND](
      `${base}:hits`,
      `${base}:block`,
      String(ttl),
      String(limit),
      String(blockDuration),
    );
    return {
      totalHits: hits,
      timeToExpire: Math.max(0, Math.ceil(ttlLeft / 1000)),
      isBlocked: blockLeft > 0,
      timeToBlockExpire: Math.max(0, Math.ceil(blockLeft / 1000)),
    };
  }
}

const COMMAND = 'conclaveThrottle';
/** The script as ioredis' `defineCommand` adds it to the client. */
type ThrottleCommand = Record<typeof COMMAND, (...args: string[]) => Promise<[number, number, number]>>;

// KEYS: hits, block. ARGV: ttl ms, limit, block ms. Returns hits, ms left in the window, ms of block left.
const SCRIPT = `
local block = redis.call('PTTL', KEYS[2])
if block > 0 then
  return {tonumber(redis.call('GET', KEYS[1]) or ARGV[2]) , redis.call('PTTL', KEYS[1]), block}
end
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local left = redis.call('PTTL', KEYS[1])
if left < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); left = tonumber(ARGV[1]) end
if hits > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  return {hits, left, tonumber(ARGV[3])}
end
return {hits, left, 0}
`;
