import { jest } from "@jest/globals";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { limitedCgroup, type CgroupSystem } from "../../../scripts/bench/lambda-cgroup";

// A folder laid out like /sys/fs/cgroup stands in for the kernel's: what limitedCgroup writes
// there is what it would write to the real one.
const LIMITS = { memoryMb: 512, vcpus: 0.29 };
const CGROUP = `spotify-etl-bench-${process.pid}`;

describe("limitedCgroup", () => {
  let root: string;
  let system: CgroupSystem;
  let warnings: string[];
  const read = (...parts: string[]) => readFile(path.join(root, ...parts), "utf8");

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), "cgroup-"));
    await writeFile(path.join(root, "swaps"), "Filename\tType\tSize\tUsed\tPriority\n");
    system = { hierarchyRoot: root, swapsFile: path.join(root, "swaps") };
    warnings = [];
    jest.spyOn(console, "error").mockImplementation((message: unknown) => {
      warnings.push(String(message));
    });
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await rm(root, { recursive: true, force: true });
  });

  it("on cgroup v2, makes one cgroup holding the memory, no swap and the CPU share", async () => {
    // Prepare
    await writeFile(path.join(root, "cgroup.controllers"), "cpuset cpu io memory pids\n");

    // Act
    const cgroup = await limitedCgroup(LIMITS, system);

    // Assess
    expect(cgroup).toMatchObject({
      procsFiles: [path.join(root, CGROUP, "cgroup.procs")],
      cpuLimited: true,
    });
    expect(await read("cgroup.subtree_control")).toBe("+memory +cpu");
    expect(await read(CGROUP, "memory.max")).toBe(String(512 * 1024 * 1024));
    expect(await read(CGROUP, "memory.swap.max")).toBe("0");
    expect(await read(CGROUP, "cpu.max")).toBe("29000 100000");
    expect(warnings).toEqual([]);
  });

  it("on cgroup v1, limits memory and swap in one hierarchy and CPU time in another", async () => {
    // Prepare
    await mkdir(path.join(root, "memory"));
    await writeFile(path.join(root, "memory/memory.limit_in_bytes"), "9223372036854771712\n");
    await mkdir(path.join(root, "cpu"));

    // Act
    const cgroup = await limitedCgroup(LIMITS, system);

    // Assess
    expect(cgroup).toMatchObject({
      procsFiles: [
        path.join(root, "memory", CGROUP, "cgroup.procs"),
        path.join(root, "cpu", CGROUP, "cgroup.procs"),
      ],
      cpuLimited: true,
    });
    const bytes = String(512 * 1024 * 1024);
    expect(await read("memory", CGROUP, "memory.limit_in_bytes")).toBe(bytes);
    expect(await read("memory", CGROUP, "memory.memsw.limit_in_bytes")).toBe(bytes);
    expect(await read("cpu", CGROUP, "cpu.cfs_period_us")).toBe("100000");
    expect(await read("cpu", CGROUP, "cpu.cfs_quota_us")).toBe("29000");
  });

  it("without a cpu hierarchy, holds the memory only and says the CPU was not held", async () => {
    // Prepare
    await mkdir(path.join(root, "memory"));
    await writeFile(path.join(root, "memory/memory.limit_in_bytes"), "9223372036854771712\n");

    // Act
    const cgroup = await limitedCgroup(LIMITS, system);

    // Assess
    expect(cgroup).toMatchObject({
      procsFiles: [path.join(root, "memory", CGROUP, "cgroup.procs")],
      cpuLimited: false,
    });
    expect(warnings).toEqual([expect.stringContaining("could not hold")]);
    expect(warnings[0]).toContain("0.29 vCPU");
  });

  it("makes nothing where there is no memory controller", async () => {
    // Prepare
    await writeFile(path.join(root, "cgroup.controllers"), "cpu pids\n");

    // Act
    const cgroup = await limitedCgroup(LIMITS, system);

    // Assess
    expect(cgroup).toBeUndefined();
    expect(await readdir(root)).toEqual(["cgroup.controllers", "swaps"]);
  });

  it("returns none, with the reason, when the cgroup cannot be made", async () => {
    // Prepare: a cgroup of that name is already there
    await writeFile(path.join(root, "cgroup.controllers"), "cpu memory\n");
    await mkdir(path.join(root, CGROUP));

    // Act
    const cgroup = await limitedCgroup(LIMITS, system);

    // Assess
    expect(cgroup).toBeUndefined();
    expect(warnings).toEqual([expect.stringContaining("could not make the cgroup")]);
    expect(warnings[0]).toContain("EEXIST");
  });

  it("removes the cgroups it made", async () => {
    // Prepare: the kernel drops a cgroup's files with it; a plain folder needs them gone first
    await mkdir(path.join(root, "memory"));
    await writeFile(path.join(root, "memory/memory.limit_in_bytes"), "9223372036854771712\n");
    await mkdir(path.join(root, "cpu"));
    const cgroup = await limitedCgroup(LIMITS, system);
    for (const hierarchy of ["memory", "cpu"]) {
      const dir = path.join(root, hierarchy, CGROUP);
      for (const file of await readdir(dir)) await rm(path.join(dir, file));
    }

    // Act
    await cgroup!.remove();

    // Assess
    expect(await readdir(path.join(root, "memory"))).toEqual(["memory.limit_in_bytes"]);
    expect(await readdir(path.join(root, "cpu"))).toEqual([]);
    expect(warnings).toEqual([]);
  });
});
