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
  const layout = v2.split(/\s+/).includes("memory")
    ? { dir: path.join("/sys/fs/cgroup", name), limitFile: "memory.max" }
    : v1
      ? { dir: path.join("/sys/fs/cgroup/memory", name), limitFile: "memory.limit_in_bytes" }
      : undefined;
  if (!layout) return undefined;
  try {
    await mkdir(layout.dir);
  } catch {
    return undefined;
  }
  const remove = () => rmdir(layout.dir);
  try {
    await writeFile(path.join(layout.dir, layout.limitFile), String(limitMb * 1024 * 1024));
  } catch {
    await remove().catch(() => undefined);
    return undefined;
  }
  return { procsFile: path.join(layout.dir, "cgroup.procs"), remove };
}
