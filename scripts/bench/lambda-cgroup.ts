/**
 * A Linux cgroup the size of a Lambda function for one benchmark process: its memory, and the
 * share of CPU time Lambda gives that memory. The way to see what the code does in a box the
 * size of its function, on a machine with far more of both.
 */
import { mkdir, readFile, rmdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";

/** What a process is limited to. */
export interface CgroupLimits {
  memoryMb: number;
  /** CPU time per second of wall time, in CPUs (0.29: 290 ms a second, over all its threads). */
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

/** CFS's accounting period: a process gets `vcpus` times this much CPU time in each one. */
const CPU_PERIOD_US = 100_000;

/**
 * A Linux cgroup limited to `limits` (cgroup v2, else v1), or undefined when this machine does
 * not let us make one with a memory limit (not Linux, not root, no writable memory controller).
 * The CPU limit is set where the cpu controller allows it; `cpuLimited` says whether it was.
 * Node sizes V8's heap from the memory limit at start-up, as in any memory-limited container:
 * in 512 MB its heap limit is about 260 MB instead of about 4 GB on this 24 GiB machine.
 */
export async function limitedCgroup(limits: CgroupLimits): Promise<LimitedCgroup | undefined> {
  const name = `spotify-etl-bench-${process.pid}`;
  const bytes = limits.memoryMb * 1024 * 1024;
  const quotaUs = Math.round(limits.vcpus * CPU_PERIOD_US);
  const v2 = await readFile("/sys/fs/cgroup/cgroup.controllers", "utf8").catch(() => "");
  const v1 = await stat("/sys/fs/cgroup/memory/memory.limit_in_bytes").catch(() => undefined);
  // Memory first, then swap: the swap limit keeps a process from going over into swap (Lambda
  // has none). It exists only where the kernel accounts swap, so it may fail to be set.
  const layout: CgroupLayout | undefined = v2.split(/\s+/).includes("memory")
    ? {
        memoryDir: path.join("/sys/fs/cgroup", name),
        cpuDir: path.join("/sys/fs/cgroup", name), // one hierarchy for every controller
        memory: { "memory.max": bytes },
        swap: { "memory.swap.max": 0 },
        cpu: { "cpu.max": `${quotaUs} ${CPU_PERIOD_US}` },
      }
    : v1
      ? {
          memoryDir: path.join("/sys/fs/cgroup/memory", name),
          cpuDir: path.join("/sys/fs/cgroup/cpu", name),
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
  const succeeds = (work: Promise<unknown>) =>
    work.then(
      () => true,
      () => false,
    );

  if (!(await succeeds(mkdir(memoryDir)))) return undefined;
  const made = [memoryDir];
  const remove = async () => {
    for (const dir of made) await rmdir(dir).catch(() => undefined);
  };
  if (!(await succeeds(write(memoryDir, layout.memory)))) {
    await remove();
    return undefined;
  }
  await succeeds(write(memoryDir, layout.swap));
  if (cpuDir !== memoryDir && (await succeeds(mkdir(cpuDir)))) made.push(cpuDir);
  const cpuLimited = made.includes(cpuDir) && (await succeeds(write(cpuDir, layout.cpu)));
  const joined = cpuLimited ? made : [memoryDir];
  return { procsFiles: joined.map((dir) => path.join(dir, "cgroup.procs")), cpuLimited, remove };
}
