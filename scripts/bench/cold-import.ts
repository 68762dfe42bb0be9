/**
 * Size and cold import of Lambda zips, side by side: `tsx scripts/bench/cold-import.ts
 * A.zip B.zip ...` prints each zip's size, its `index.mjs` size, and the median (and range) of
 * the time to import `index.mjs` in a fresh Node process, on Lambda's Node major and on this
 * one. The zips are imported in turns (A, B, A, B, ...) so that a machine that slows down
 * mid-run slows every zip alike. Used to compare a change to the bundle with the build before it.
 */
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { readZipEntries } from "../lib/zip";
import { LAMBDA_NODE_MAJOR, lambdaNodeBinary } from "./lambda-runtime";

const ROOT = path.resolve(import.meta.dirname, "../..");
const RUNS = 9;

function importMs(node: string, module: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(module)}); console.log(performance.now() - t);`;
  return Number(
    execFileSync(node, ["--input-type=module", "-e", script], {
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    }).toString(),
  );
}

const median = (sorted: number[]) => sorted[Math.floor(sorted.length / 2)]!;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

async function main(zips: string[]): Promise<void> {
  if (!zips.length) throw new Error("usage: cold-import.ts ZIP...");
  const dir = await mkdtemp(path.join(tmpdir(), "bench-cold-import-"));
  try {
    const modules = await Promise.all(
      zips.map(async (zip, i) => {
        const module = path.join(dir, String(i), "index.mjs");
        const source = (await readZipEntries(zip)).get("index.mjs")!;
        await mkdir(path.dirname(module), { recursive: true });
        await writeFile(module, source);
        return { zip, module, zipBytes: (await stat(zip)).size, moduleBytes: source.length };
      }),
    );
    const nodes = { [`node ${LAMBDA_NODE_MAJOR} (Lambda's)`]: lambdaNodeBinary(ROOT) };
    nodes[`node ${process.version}`] = process.execPath;
    const times = new Map<string, number[]>();
    for (let run = 0; run < RUNS; run++)
      for (const [label, node] of Object.entries(nodes))
        for (const { zip, module } of modules) {
          const key = `${zip}\u0000${label}`;
          times.set(key, [...(times.get(key) ?? []), importMs(node, module)]);
        }
    for (const { zip, zipBytes, moduleBytes } of modules) {
      console.log(`${zip}: ${kib(zipBytes)} zipped, index.mjs ${kib(moduleBytes)}`);
      for (const label of Object.keys(nodes)) {
        const sorted = times.get(`${zip}\u0000${label}`)!.sort((a, b) => a - b);
        const [low, high] = [sorted[0]!, sorted.at(-1)!].map((ms) => ms.toFixed(0));
        console.log(
          `  cold import, ${label}, ${RUNS} runs: median ${median(sorted).toFixed(0)} ms (${low} to ${high})`,
        );
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main(process.argv.slice(2));
