/**
 * An HTTP proxy that holds every request for a while before passing it on: the emulator answers
 * in well under a millisecond, S3 in tens of milliseconds, and how much a handler gains from
 * doing several things at once depends on that wait.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

/** A running proxy; `url` is what to use as the endpoint. */
export interface LatencyProxy {
  url: string;
  stop: () => Promise<void>;
}

/** Forwards to `target` (an http URL), each request `latencyMs` late. */
export async function startLatencyProxy(target: string, latencyMs: number): Promise<LatencyProxy> {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((request, response) => {
    setTimeout(() => {
      const forwarded = http.request(
        {
          agent,
          host: upstream.hostname,
          port: upstream.port,
          method: request.method,
          path: request.url,
          headers: request.headers,
        },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      forwarded.on("error", (error) => response.destroy(error));
      request.pipe(forwarded);
    }, latencyMs);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
