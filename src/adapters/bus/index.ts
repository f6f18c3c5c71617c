// Picks the event bus the configuration names; the composition root owns its lifetime.
import type { Logger } from '../../logger.js';
import type { EventBus } from '../../ports.js';
import type pg from 'pg';
import { MemoryEventBus } from './memory.js';
import { PostgresEventBus } from './postgres.js';

export interface BusSettings {
  eventBus: 'postgres' | 'redis' | 'memory';
  redisUrl: string | null;
}

/** Creates and starts the bus (connected and listening when it resolves). */
export async function openEventBus(
  settings: BusSettings,
  database: { url: string; pool: pg.Pool },
  log: Logger,
): Promise<EventBus> {
  if (settings.eventBus === 'memory') return new MemoryEventBus(log);
  if (settings.eventBus === 'redis') {
    if (!settings.redisUrl) throw new Error('EVENT_BUS=redis needs REDIS_URL');
    const { RedisEventBus } = await import('./redis.js'); // only deployments that chose Redis load it
    const redis = new RedisEventBus({ url: settings.redisUrl, log });
    try {
      await redis.start();
    } catch (error) {
      await redis.close();
      throw error;
    }
    return redis;
  }
  const postgres = new PostgresEventBus({ connectionString: database.url, pool: database.pool, log });
  try {
    await postgres.start();
  } catch (error) {
    await postgres.close();
    throw error;
  }
  return postgres;
}
