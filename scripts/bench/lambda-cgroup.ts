/**
 * A Linux cgroup the size of a Lambda function for one benchmark process: its memory, and the
 * share of CPU time Lambda gives that memory. The way to see what the code does in a box the
 * size of its function, on a machine with far more of both.
 */
import { mkdir, readFile, rmdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";

/** What the processes of a cgroup are limited to, together. */
export interface CgroupLimits {
  memoryMb: number;
  /** CPU time per second of wall time, in CPUs (0.29: 290 ms a second, over all their threads). */
  vcpus: number;
}

/** A cgroup the bench made. */
export interface LimitedCgroup {
  /** Writing a pid to each of these moves that process into the cgroup. */
  procsFiles: string[];
  /** Whether the CPU limit is in place too (the memory limit always is). */
  cpuLimited: boolean;
  remove: () => Promise<void>;
}

/** Files of a cgroup and the values to write to them, in order. */
type Settings = Record<string, string | number>;

/** Where a cgroup's controllers live, and what to write to them. */
interface CgroupLayout {
  memoryDir: string;
  cpuDir: string;
  memory: Settings;
  swap: Settings;
  cpu: Settings;
}

/** CFS's accounting period: the cgroup's processes get `vcpus` times this much CPU time in each. */
const CPU_PERIOD_US = 100_000;

/** Where the machine keeps what limitedCgroup reads and writes (tests point these elsewhere). */
export interface CgroupSystem {
  /** The cgroup filesystem: cgroup v2's one hierarchy, or v1's folder of hierarchies. */
  hierarchyRoot: string;
  /** The kernel's list of swap areas. */
  swapsFile: string;
}

const LINUX: CgroupSystem = { hierarchyRoot: "/sys/fs/cgroup", swapsFile: "/proc/swaps" };

/**
 * A Linux cgroup limited to `limits` (cgroup v2, else v1), made at the top of the hierarchy, or
 * undefined when this machine does not let us make one with a memory limit (not Linux, not
 * root, no writable memory controller). The CPU limit is set where the cpu controller allows it;
 * `cpuLimited` says whether it was. Every limit that cannot be set is reported on stderr with
 * the reason. (Without V8 flags, Node would also size its heap from the memory limit; the
 * Lambda flags the bench passes replace that sizing, as they do on Lambda.)
 */
export async function limitedCgroup(
  limits: CgroupLimits,
  { hierarchyRoot: root, swapsFile }: CgroupSystem = LINUX,
): Promise<LimitedCgroup | undefined> {
  const name = `spotify-etl-bench-${process.pid}`;
  const bytes = limits.memoryMb * 1024 * 1024;
  const quotaUs = Math.round(limits.vcpus * CPU_PERIOD_US);
  const v2 = await readFile(path.join(root, "cgroup.controllers"), "utf8").catch(() => "");
  const v1 = await stat(path.join(root, "memory/memory.limit_in_bytes")).catch(() => undefined);
  // Memory first, then swap: the swap limit keeps a process from going over into swap (Lambda
  // has none). It exists only where the kernel accounts swap, so it may fail to be set.
  const unified = v2.split(/\s+/).includes("memory");
  const layout: CgroupLayout | undefined = unified
    ? {
        memoryDir: path.join(root, name),
        cpuDir: path.join(root, name), // one hierarchy for every controller
        memory: { "memory.max": bytes },
        swap: { "memory.swap.max": 0 },
        cpu: { "cpu.max": `${quotaUs} ${CPU_PERIOD_US}` },
      }
    : v1
      ? {
          memoryDir: path.join(root, "memory", name),
          cpuDir: path.join(root, "cpu", name),
          memory: { "memory.limit_in_bytes": bytes },
          swap: { "memory.memsw.limit_in_bytes": bytes }, // memory and swap together
          cpu: { "cpu.cfs_period_us": CPU_PERIOD_US, "cpu.cfs_quota_us": quotaUs },
        }
      : undefined;
  if (!layout) return undefined;
  const { memoryDir, cpuDir } = layout;
  const write = async (dir: string, settings: Settings) => {
    for (const [file, value] of Object.entries(settings))
      await writeFile(path.join(dir, file), String(value));
  };
  /** The error `work` failed with, or undefined when it succeeded. */
  const failure = (work: Promise<unknown>) =>
    work.then(
      () => undefined,
      (error: Error) => error,
    );
  const warn = (what: string, error: Error) =>
    console.error(`bench: ${what} (${error.message}); the Lambda rows' labels say what was held`);

  // cgroup v2 hands a controller to child cgroups only once the parent enables it.
  if (unified) await failure(writeFile(path.join(root, "cgroup.subtree_control"), "+memory +cpu"));
  const notMade = await failure(mkdir(memoryDir));
  if (notMade) {
    warn(`could not make the cgroup ${memoryDir}`, notMade);
    return undefined;
  }
  const made = [memoryDir];
  const remove = async () => {
    for (const dir of made) {
      const left = await failure(rmdir(dir));
      if (left) warn(`left the cgroup ${dir} behind; rmdir it`, left);
    }
  };
  const noMemoryLimit = await failure(write(memoryDir, layout.memory));
  if (noMemoryLimit) {
    warn(`could not limit the memory of ${memoryDir}`, noMemoryLimit);
    await remove();
    return undefined;
  }
  const noSwapLimit = await failure(write(memoryDir, layout.swap));
  const swaps = await readFile(swapsFile, "utf8").catch(() => "");
  if (noSwapLimit && swaps.trim().includes("\n")) {
    warn("this machine has swap and the cgroup could not keep the process out of it", noSwapLimit);
  }
  // cgroup v1 keeps the cpu controller in a hierarchy of its own.
  if (cpuDir !== memoryDir) {
    const cpuDirNotMade = await failure(mkdir(cpuDir));
    if (!cpuDirNotMade) made.push(cpuDir);
  }
  const noCpuLimit = made.includes(cpuDir)
    ? await failure(write(cpuDir, layout.cpu))
    : new Error(`${cpuDir} could not be made`);
  if (noCpuLimit) warn(`could not hold ${cpuDir} to ${limits.vcpus.toFixed(2)} vCPU`, noCpuLimit);
  return {
    procsFiles: (noCpuLimit ? [memoryDir] : made).map((dir) => path.join(dir, "cgroup.procs")),
    cpuLimited: !noCpuLimit,
    remove,
  };
}
