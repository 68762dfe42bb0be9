/**
 * A memory-limited Linux cgroup for one benchmark process: the way to see what the code does in
 * a box the size of its Lambda function, on a machine with far more memory.
 */
import { mkdir, readFile, rmdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";

/** A memory cgroup the bench made. */
export interface MemoryCgroup {
  /** Writing a pid here moves that process into the cgroup. */
  procsFile: string;
  remove: () => Promise<void>;
}

/**
 * A Linux memory cgroup limited to `limitMb` (cgroup v2, else v1), or undefined when this
 * machine does not let us make one (not Linux, not root, no writable memory controller).
 * Node sizes V8's heap from such a limit at start-up, as in any memory-limited container:
 * in 512 MB its heap limit is about 260 MB instead of about 4 GB on this 24 GiB machine.
 */
export async function memoryCgroup(limitMb: number): Promise<MemoryCgroup | undefined> {
  const name = `spotify-etl-bench-${process.pid}`;
  const v2 = await readFile("/sys/fs/cgroup/cgroup.controllers", "utf8").catch(() => "");
  const v1 = await stat("/sys/fs/cgroup/memory/memory.limit_in_bytes").catch(() => undefined);
  const bytes = limitMb * 1024 * 1024;
  // Memory first, then swap: the swap limit keeps a process from going over into swap (Lambda
  // has none). It exists only where the kernel accounts swap, so it may fail to be set.
  const layout = v2.split(/\s+/).includes("memory")
    ? {
        dir: path.join("/sys/fs/cgroup", name),
        memoryLimit: ["memory.max", bytes],
        swapLimit: ["memory.swap.max", 0],
      }
    : v1
      ? {
          dir: path.join("/sys/fs/cgroup/memory", name),
          memoryLimit: ["memory.limit_in_bytes", bytes],
          swapLimit: ["memory.memsw.limit_in_bytes", bytes], // memory and swap together
        }
      : undefined;
  if (!layout) return undefined;
  try {
    await mkdir(layout.dir);
  } catch {
    return undefined;
  }
  const remove = () => rmdir(layout.dir);
  const write = ([file, value]: (string | number)[]) =>
    writeFile(path.join(layout.dir, String(file)), String(value));
  try {
    await write(layout.memoryLimit);
  } catch {
    await remove().catch(() => undefined);
    return undefined;
  }
  await write(layout.swapLimit).catch(() => undefined);
  return { procsFile: path.join(layout.dir, "cgroup.procs"), remove };
}
