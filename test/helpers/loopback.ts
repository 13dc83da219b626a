import net from "node:net";

/*
 * Hands out loopback addresses (127.0.0.2, 127.0.0.3, …) to instances and peers of the test network.
 * Linux routes all of 127.0.0.0/8 to `lo`, so each server gets its own host and every one of them can use
 * the same port, which keeps handles looking like `@bob@127.0.0.3:8443`.
 *
 * Test files run in parallel processes, so an address is claimed by listening on a side port of it
 * (RESERVATION_PORT) for as long as this process holds it: the kernel is the lock, and it is released
 * when the process dies, however it dies.
 */

export const TEST_PORT = 8443;
const RESERVATION_PORT = 47_013;
const held = new Map<string, net.Server>();

function listen(host: string, port: number): Promise<net.Server | null> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(null));
    server.listen({ host, port, exclusive: true }, () => resolve(server));
  });
}

function close(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Claims a loopback address whose `port` is free; scans upwards from 127.0.0.2. */
export async function reserveLoopbackHost(port: number = TEST_PORT): Promise<string> {
  for (let n = 2; n < 255; n++) {
    const host = `127.0.0.${n}`;
    if (held.has(host)) continue;
    const lock = await listen(host, RESERVATION_PORT);
    if (!lock) continue;
    const probe = await listen(host, port);
    if (!probe) {
      await close(lock);
      continue;
    }
    await close(probe);
    lock.unref();
    held.set(host, lock);
    return host;
  }
  throw new Error(`no free loopback address with port ${port} in 127.0.0.2–254`);
}

export async function releaseLoopbackHost(host: string): Promise<void> {
  const lock = held.get(host);
  if (!lock) return;
  held.delete(host);
  await close(lock);
}

/**
 * Claims one number in first..last across all test processes (the same kernel lock, on
 * 127.0.0.1:lockBasePort+n), e.g. a Redis logical database of its own for each Weft instance.
 */
export async function reserveNumber(
  lockBasePort: number,
  first: number,
  last: number,
): Promise<{ n: number; release(): Promise<void> }> {
  for (let n = first; n <= last; n++) {
    const lock = await listen("127.0.0.1", lockBasePort + n);
    if (!lock) continue;
    lock.unref();
    return { n, release: () => close(lock) };
  }
  throw new Error(`all of ${first}..${last} are taken (locks on 127.0.0.1:${lockBasePort + first}–${lockBasePort + last})`);
}
