/**
 * The zod that the Lambda functions validate with: `zod/mini`, the tree-shakable build. It
 * bundles to about 20 KB instead of 450 KB and imported about 15 ms faster on a cold start when
 * it was chosen. The mini build loads no messages by default, so this module loads
 * zod's English ones: error texts read "Invalid input: expected string, received undefined".
 *
 * Import it as a namespace (`import * as z from "../shared/zod"`) and use members directly;
 * that is what lets the bundler drop the parts of zod the functions do not use.
 */
import { config, int, minLength, nonnegative, string } from "zod/mini";
import en from "zod/v4/locales/en.js";

config(en());

export * from "zod/mini";

/** A string of at least one character: ids. */
export const nonEmptyString = string().check(minLength(1));

/** An integer of zero or more: counts, offsets, durations. */
export const nonNegativeInt = int().check(nonnegative());
