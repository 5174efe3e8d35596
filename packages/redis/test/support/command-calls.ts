import type { Redis } from 'ioredis';

/** How many of the named commands `client`'s Redis has run so far, scripts' own calls included (`INFO commandstats`). */
export async function commandCalls(client: Redis, ...names: string[]): Promise<number> {
  const info = await client.info('commandstats');
  let calls = 0;
  for (const name of names) {
    const match = new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(info);
    calls += match ? Number(match[1]) : 0;
  }
  return calls;
}
