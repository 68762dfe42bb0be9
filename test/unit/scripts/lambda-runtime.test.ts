import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  lambdaNodeBinary,
  lambdaNodeCacheDir,
  lambdaNodeFlags,
  lambdaVcpus,
} from "../../../scripts/bench/lambda-runtime";

describe("lambdaNodeFlags", () => {
  it("gives a tenth of the memory to the young generation, in two semi-spaces", () => {
    // Act
    const flags = lambdaNodeFlags(1024);

    // Assess
    expect(flags).toEqual(["--max-semi-space-size=51", "--max-old-space-size=922"]);
  });
});

describe("lambdaVcpus", () => {
  it.each([
    [1769, 1],
    [512, 0.289],
    [1024, 0.579],
  ])("gives a %i MB function %s vCPUs", (memoryMb, vcpus) => {
    // Act
    const share = lambdaVcpus(memoryMb);

    // Assess
    expect(share).toBeCloseTo(vcpus, 3);
  });
});

describe("lambdaNodeBinary (the node the bench runs the handler with as a Lambda)", () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), "lambda-node-"));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** Puts a stand-in node into the cache that answers `--version` with `version`. */
  async function cacheNode(pinned: string, version: string): Promise<string> {
    const binary = path.join(lambdaNodeCacheDir(root, pinned), "node_modules/node/bin/node");
    await mkdir(path.dirname(binary), { recursive: true });
    await writeFile(binary, `#!/bin/sh\necho ${version}\n`);
    await chmod(binary, 0o755);
    return binary;
  }

  it("uses the running node when it is of the runtime's major, whatever its minor", () => {
    // Prepare
    const running = { versions: { node: "22.11.0" }, execPath: "/opt/node22/bin/node" };

    // Act
    const binary = lambdaNodeBinary(root, { version: "22.1.0", running });

    // Assess
    expect(binary).toBe("/opt/node22/bin/node");
  });

  it("uses the cached node of the runtime's major when the running one is another", async () => {
    // Prepare
    const cached = await cacheNode("99.1.0", "v99.1.0");
    const running = { versions: { node: "20.20.2" }, execPath: "/usr/bin/node" };

    // Act
    const binary = lambdaNodeBinary(root, { version: "99.1.0", running });

    // Assess
    expect(binary).toBe(cached);
  });

  it("refuses a cached node of another version, saying how to get the right one", async () => {
    // Prepare
    await cacheNode("99.1.0", "v99.0.2");
    const running = { versions: { node: "20.20.2" }, execPath: "/usr/bin/node" };

    // Act
    const act = () => lambdaNodeBinary(root, { version: "99.1.0", running });

    // Assess
    expect(act).toThrow(
      /is v99\.0\.2, not Node\.js 99\.1\.0: delete .*lambda-node\/99\.1\.0 and rerun/,
    );
  });
});
