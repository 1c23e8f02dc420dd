import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * Listens and tracks sockets, so close() can end keep-alive, streaming and
 * deliberately hung connections at once instead of waiting for them, and
 * (unless `ref`) so the server never holds the process open by itself.
 */
export async function listen(
  server: Server,
  options: { port?: number; host?: string; ref?: boolean },
): Promise<{ port: number; host: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const ref = options.ref === true;
  server.on('connection', (socket) => {
    sockets.add(socket);
    if (!ref) socket.unref();
    socket.on('close', () => sockets.delete(socket));
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  if (!ref) server.unref();
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
    return closing;
  };
  return { port, host, close };
}

/** Host part of a URL: IPv6 literals need brackets. */
export const urlHost = (host: string): string => (host.includes(':') ? `[${host}]` : host);
