import http from "node:http";
import type { AddressInfo } from "node:net";
import { startLatencyProxy, type LatencyProxy } from "../../../scripts/bench/latency-proxy";

describe("startLatencyProxy (the bench's stand-in for S3's latency)", () => {
  let upstream: http.Server;
  let proxy: LatencyProxy;
  beforeEach(async () => {
    upstream = http.createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        response.writeHead(201, { "x-echo": "yes" });
        response.end(
          JSON.stringify({
            method: request.method,
            url: request.url,
            host: request.headers.host,
            body,
          }),
        );
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
    const { port } = upstream.address() as AddressInfo;
    proxy = await startLatencyProxy(`http://127.0.0.1:${port}`, 5);
  });
  afterEach(async () => {
    await proxy.stop();
    upstream.closeAllConnections();
    await new Promise((resolve) => upstream.close(resolve));
  });

  it("passes the request and the answer through unchanged", async () => {
    // Prepare
    const url = `${proxy.url}/bench-lake/raw_data/x.json?x-id=PutObject`;

    // Act: node:http, since fetch will not send a Host header of its own choosing
    const answer = await new Promise<{ status: number; echo: unknown; body: string }>(
      (resolve, reject) => {
        const request = http.request(url, {
          method: "PUT",
          headers: { host: "bench-lake.localhost" },
        });
        request.on("response", (response) => {
          let body = "";
          response.on("data", (chunk: Buffer) => (body += chunk.toString()));
          response.on("end", () =>
            resolve({ status: response.statusCode!, echo: response.headers["x-echo"], body }),
          );
        });
        request.on("error", reject);
        request.end("snapshot");
      },
    );

    // Assess
    expect(answer.status).toBe(201);
    expect(answer.echo).toBe("yes");
    expect(JSON.parse(answer.body)).toEqual({
      method: "PUT",
      url: "/bench-lake/raw_data/x.json?x-id=PutObject",
      host: "bench-lake.localhost",
      body: "snapshot",
    });
  });
});
