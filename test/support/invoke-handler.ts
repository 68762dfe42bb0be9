/**
 * Invokes a built Lambda bundle's handler once, in a process of its own as the Lambda runtime
 * would (its environment is the function's, nothing of Jest's), and writes the response as
 * JSON. test/terraform/moto-apply.test.ts runs it with tsx:
 *
 *   tsx test/support/invoke-handler.ts <index.mjs> <function name> <timeout s> <event.json> <response.json>
 */
import { readFile, writeFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { lambdaContext } from "../../scripts/local/lambda-context";

const [modulePath, functionName, timeoutSeconds, eventFile, responseFile] = process.argv.slice(2);
if (!modulePath || !functionName || !timeoutSeconds || !eventFile || !responseFile) {
  throw new Error(
    "usage: invoke-handler.ts <index.mjs> <function name> <timeout s> <event.json> <response.json>",
  );
}
const { handler } = (await import(pathToFileURL(modulePath).href)) as {
  handler: (event: unknown, context: unknown) => Promise<unknown>;
};
const event: unknown = JSON.parse(await readFile(eventFile, "utf8"));
const response = await handler(event, lambdaContext(functionName, Number(timeoutSeconds) * 1000));
await writeFile(responseFile, JSON.stringify(response ?? null));
