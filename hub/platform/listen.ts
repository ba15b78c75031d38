import type { Server } from 'node:net';

export class PortInUse extends Error {
  constructor(readonly variable: string, readonly port: number) {
    super(`${variable}=${port}: the port is already in use; free it or choose another`);
    this.name = 'PortInUse';
  }
}

/**
 * Like Vite's dev server: a default port that is taken moves to the next free one (the caller
 * says so at start-up); a port the operator set explicitly must be free, or start-up stops.
 */
export async function listenWithFallback(server: Server, opts: { port: number; isExplicit: boolean; variable: string; host?: string }): Promise<number> {
  const attempts = opts.isExplicit || opts.port === 0 ? 1 : 20;
  for (let i = 0; i < attempts; i++) {
    const port = opts.port + i;
    try {
      await new Promise<void>((resolve, reject) => {
        const onError = (err: NodeJS.ErrnoException) => { server.off('listening', onListening); reject(err); };
        const onListening = () => { server.off('error', onError); resolve(); };
        server.once('error', onError);
        server.once('listening', onListening);
        server.listen(port, opts.host);
      });
      const address = server.address();
      return typeof address === 'object' && address ? address.port : port;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      if (opts.isExplicit) throw new PortInUse(opts.variable, port);
    }
  }
  throw new PortInUse(opts.variable, opts.port);
}
