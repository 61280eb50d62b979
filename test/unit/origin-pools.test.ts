/**
 * OriginPools against a raw server on 127.0.0.1 that closes a connection after its fifth answer
 * (Apache's Keep-Alive max), asked one request after another.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Agent, request, type Dispatcher } from 'undici';
import { OriginPools } from '../../src/fetch/origin-pools.js';
import { startClosingServer } from '../helpers/closing-server.js';

async function getInTurn(dispatcher: Dispatcher, origin: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const res = await request(`${origin}/p${i}`, { dispatcher });
    assert.equal(await res.body.text(), 'ok');
  }
}

for (const connections of [1, 8]) {
  test(`requests in turn keep using one connection until the server closes it, then the next (connections: ${connections})`, async (t) => {
    const server = await startClosingServer(t);
    const pools = new OriginPools({ connections, pipelining: 1, keepAliveTimeout: 4_000 });
    t.after(() => pools.close());
    await getInTurn(pools, server.origin, 50);
    assert.equal(server.connections(), 10, '50 requests, 5 per connection');
  });
}

test('undici 7\'s Agent, which OriginPools replaces, opens a connection per request once one was closed (nodejs/undici#5022)', async (t) => {
  const server = await startClosingServer(t);
  const agent = new Agent({ connections: 1, pipelining: 1, keepAliveTimeout: 4_000 });
  t.after(() => agent.close());
  await getInTurn(agent, server.origin, 50);
  // When this fails, undici has fixed its Agent: OriginPools can go.
  assert.ok(server.connections() > 20, `${server.connections()} connections`);
});

test('an origin\'s pool is forgotten once its last connection has closed; asked again, it gets a new one', async (t) => {
  const server = await startClosingServer(t);
  const pools = new OriginPools({ connections: 2, pipelining: 1, keepAliveTimeout: 50, keepAliveMaxTimeout: 50 });
  t.after(() => pools.close());
  await getInTurn(pools, server.origin, 3);
  assert.equal(pools.size, 1);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(pools.size, 0, 'idle connection closed by the keep-alive timeout: pool forgotten');
  await getInTurn(pools, server.origin, 1);
  assert.equal(pools.size, 1);
});
