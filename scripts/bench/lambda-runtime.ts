/**
 * How Lambda would start the transform function, for the benchmark to start it the same way.
 */

/**
 * The transform's memory in MB: the default of `transform_memory_mb` in terraform/variables.tf
 * (test/terraform/configuration.test.ts keeps the two equal).
 */
export const LAMBDA_MEMORY_MB = 512;

/**
 * The V8 flags Lambda's Node.js runtime starts a function of `memoryMb` with: a tenth of the
 * memory for the young generation (two semi-spaces), the rest for the old generation. This is
 * how the runtime's bootstrap script (/var/runtime/bootstrap) computes them in the copies of it
 * published on GitHub; we could not check it against Lambda itself from here.
 */
export function lambdaNodeFlags(memoryMb: number): string[] {
  const youngGenerationMb = Math.floor(memoryMb / 10);
  return [
    `--max-semi-space-size=${Math.floor(youngGenerationMb / 2)}`,
    `--max-old-space-size=${memoryMb - youngGenerationMb}`,
  ];
}
