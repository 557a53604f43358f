/**
 * A fault-injecting TCP proxy for tests, placed between the app and a dependency (the fake
 * Twilio, the SMTP sink, PostgreSQL): it forwards bytes both ways and can delay them
 * (latency longer than a client timeout), reset every open connection (a network blip or
 * a restarted server), and refuse new connections (a partition) while it is on.
 */
import { createServer, type Server, Socket } from 'node:net';

/** One direction of a connection: forwards chunks in order, each held back by the latency in force when it arrived. */
class Pipe {
  readonly #to: Socket;
  readonly #queue: { chunk: Buffer; at: number }[] = [];
  #timer: NodeJS.Timeout | undefined;
  #ended = false;

  constructor(from: Socket, to: Socket, latency: () => number) {
    this.#to = to;
    from.on('data', (chunk: Buffer) => {
      const ms = latency();
      if (ms <= 0 && this.#queue.length === 0) {
        if (!to.write(chunk)) {
          from.pause();
          to.once('drain', () => from.resume());
        }
        return;
      }
      this.#queue.push({ chunk, at: Date.now() + ms });
      this.#schedule();
    });
    from.on('end', () => {
      this.#ended = true;
      if (this.#queue.length === 0) to.end();
    });
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#queue.length = 0;
  }

  #schedule(): void {
    const head = this.#queue[0];
    if (this.#timer || !head) return;
    this.#timer = setTimeout(() => this.#pump(), Math.max(0, head.at - Date.now()));
  }

  #pump(): void {
    this.#timer = undefined;
    const now = Date.now();
    while ((this.#queue[0]?.at ?? Number.POSITIVE_INFINITY) <= now) {
      const next = this.#queue.shift();
      if (next && !this.#to.destroyed) this.#to.write(next.chunk);
    }
    if (this.#ended && this.#queue.length === 0) this.#to.end();
    this.#schedule();
  }
}

interface Link {
  client: Socket;
  upstream: Socket;
  pipes: Pipe[];
}

export class TcpProxy {
  readonly host = '127.0.0.1';
  readonly #target: { host: string; port: number };
  readonly #server: Server;
  readonly #links = new Set<Link>();
  #latency = 0;
  #refusing = false;
  #port = 0;

  private constructor(target: { host: string; port: number }) {
    this.#target = { ...target };
    this.#server = createServer({ allowHalfOpen: true }, (client) => this.#accept(client));
  }

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy(target);
    await new Promise<void>((resolve, reject) => {
      proxy.#server.once('error', reject);
      proxy.#server.listen(0, proxy.host, () => {
        proxy.#server.off('error', reject);
        resolve();
      });
    });
    const address = proxy.#server.address();
    proxy.#port = typeof address === 'object' && address ? address.port : 0;
    return proxy;
  }

  get port(): number {
    return this.#port;
  }

  /** How many connections are open through the proxy. */
  get connections(): number {
    return this.#links.size;
  }

  /** Delays every chunk, both ways, by `ms` from now on (0 to stop). */
  setLatency(ms: number): void {
    this.#latency = Math.max(0, ms);
  }

  /** Resets (TCP RST) every open connection, on both sides. */
  resetAll(): void {
    for (const link of this.#links) this.#reset(link);
  }

  /** While on, every new connection is accepted and reset at once; open ones are untouched. */
  refuseNew(on: boolean): void {
    this.#refusing = on;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.resetAll();
    await closed;
  }

  #accept(client: Socket): void {
    if (this.#refusing) {
      client.on('error', () => undefined);
      hardReset(client);
      return;
    }
    const upstream = new Socket({ allowHalfOpen: true });
    const latency = (): number => this.#latency;
    const link: Link = { client, upstream, pipes: [] };
    link.pipes.push(new Pipe(client, upstream, latency), new Pipe(upstream, client, latency));
    this.#links.add(link);
    const drop = (): void => {
      if (!this.#links.delete(link)) return;
      for (const pipe of link.pipes) pipe.stop();
    };
    // A failure on one side is passed on as a reset of the other.
    client.on('error', () => this.#reset(link));
    upstream.on('error', () => this.#reset(link));
    client.on('close', () => {
      drop();
      if (!upstream.destroyed) upstream.destroy();
    });
    upstream.on('close', () => {
      drop();
      if (!client.destroyed) client.destroy();
    });
    upstream.connect(this.#target.port, this.#target.host);
  }

  #reset(link: Link): void {
    this.#links.delete(link);
    for (const pipe of link.pipes) pipe.stop();
    hardReset(link.client);
    hardReset(link.upstream);
  }
}

/** Closes with a TCP RST where the socket allows it, otherwise plainly. */
function hardReset(socket: Socket): void {
  if (socket.destroyed) return;
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}
