import { access, readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { redisCommand, startRedis } from '../../src/index.js';

const running = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('startRedis', () => {
  it('answers on its loopback port, persists nothing, and stop() leaves no process, port or dir behind', async () => {
    const redis = await startRedis();
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
    expect(await redisCommand(redis.port, 'PING')).toBe('+PONG');
    expect(await redisCommand(redis.port, 'SET k v')).toBe('+OK');
    // No RDB/AOF: nothing is written to its dir.
    expect(await readdir(redis.dir)).toEqual([]);
    expect(running(redis.pid)).toBe(true);
    await redis.stop();
    expect(await readdir(redis.dir).catch(() => 'gone')).toBe('gone');
    await expect(access(redis.dir)).rejects.toThrow();
    expect(running(redis.pid)).toBe(false);
    await expect(redisCommand(redis.port, 'PING')).rejects.toThrow(/ECONNREFUSED/);
    await redis.stop(); // twice is harmless
  });

  it('kill() is a crash: the port refuses at once, and stop() still cleans up', async () => {
    const redis = await startRedis();
    await redis.kill();
    await expect(redisCommand(redis.port, 'PING')).rejects.toThrow(/ECONNREFUSED/);
    expect(running(redis.pid)).toBe(false);
    await redis.stop();
    await expect(access(redis.dir)).rejects.toThrow();
  });

  it('two at once get different ports and dirs', async () => {
    const [a, b] = await Promise.all([startRedis(), startRedis()]);
    try {
      expect(a.port).not.toBe(b.port);
      expect(a.dir).not.toBe(b.dir);
      await redisCommand(a.port, 'SET only-a 1');
      expect(await redisCommand(b.port, 'EXISTS only-a')).toBe(':0');
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});
