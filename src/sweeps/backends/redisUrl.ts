/** Redis URLs for the BullMQ backend (no BullMQ import: cheap to load for error handling). */

/** Connection options for ioredis (and BullMQ, which passes them on). */
export interface RedisConnection {
  host?: string;
  port?: number;
  path?: string;
  username?: string;
  password?: string;
  db: number;
  tls?: Record<string, never>;
}

export class RedisUrlError extends Error {}

/**
 * ioredis options from a URL:
 *   redis://[[user]:password@]host[:port][/db]     rediss://… (TLS)
 *   unix://[[user]:password@]/path/to/redis.sock[?db=N]     (also ?password=…&user=…)
 * Credentials may also come from NLBGK_REDIS_PASSWORD (kept off command lines and shell history).
 */
export function redisOptions(url: string, env: NodeJS.ProcessEnv = process.env): RedisConnection {
  const fromEnv = env.NLBGK_REDIS_PASSWORD;
  const unix = url.match(/^unix:\/\/(?:([^:@/]*)(?::([^@]*))?@)?(\/[^?]*)(?:\?(.*))?$/);
  if (unix) {
    const query = new URLSearchParams(unix[4] ?? '');
    const username = unix[1] ? decodeURIComponent(unix[1]) : (query.get('user') ?? undefined);
    const password = unix[2] !== undefined ? decodeURIComponent(unix[2]) : (query.get('password') ?? fromEnv);
    const db = Number(query.get('db') ?? 0);
    if (!Number.isInteger(db) || db < 0) throw new RedisUrlError(`${redact(url)}: db must be an integer >= 0`);
    return { path: unix[3], ...(username ? { username } : {}), ...(password ? { password } : {}), db };
  }
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new RedisUrlError(`${redact(url)}: not a Redis URL (redis://[user:password@]host[:port][/db], rediss://…, or unix:///path/to/redis.sock)`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new RedisUrlError(`${redact(url)}: expected redis://, rediss:// or unix://`);
  const db = u.pathname && u.pathname !== '/' ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new RedisUrlError(`${redact(url)}: the path must be a database number`);
  const password = u.password ? decodeURIComponent(u.password) : fromEnv;
  return {
    host: u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(password ? { password } : {}),
    db,
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** The URL with its password replaced by *** (for messages and logs). */
export function redact(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:@/]*:)[^@]*@/, '$1***@').replace(/([?&]password=)[^&]*/, '$1***');
}

