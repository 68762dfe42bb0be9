import { jest } from "@jest/globals";
import {
  createObservability,
  DEFAULT_METRICS_NAMESPACE,
} from "../../../functions/shared/powertools";

/** The EMF record one metric publishes, with the variables set as given. */
function emfWith(env: Record<string, string | undefined>): Record<string, unknown> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  for (const [name, value] of Object.entries(env))
    if (value === undefined) delete process.env[name];
  const lines: string[] = [];
  const log = jest.spyOn(console, "log").mockImplementation((line: unknown) => {
    lines.push(String(line));
  });
  try {
    const { metrics } = createObservability("transform");
    metrics.addMetric("RecordsFailed", "Count", 1);
    metrics.publishStoredMetrics();
  } finally {
    log.mockRestore();
    process.env = saved;
  }
  return JSON.parse(lines.find((line) => line.includes('"_aws"'))!) as Record<string, unknown>;
}

describe("createObservability", () => {
  it("publishes under Terraform's namespace and service name, with defaults when unset", () => {
    // Act
    const deployed = emfWith({
      POWERTOOLS_METRICS_NAMESPACE: "MyTeam",
      POWERTOOLS_SERVICE_NAME: "spotify-etl-transform",
    });
    const local = emfWith({
      POWERTOOLS_METRICS_NAMESPACE: undefined,
      POWERTOOLS_SERVICE_NAME: undefined,
    });

    // Assess: the alarms match the namespace and the service dimension
    const namespaceOf = (emf: Record<string, unknown>) =>
      (emf._aws as { CloudWatchMetrics: { Namespace: string }[] }).CloudWatchMetrics[0]!.Namespace;
    expect([namespaceOf(deployed), deployed.service]).toEqual(["MyTeam", "spotify-etl-transform"]);
    expect([namespaceOf(local), local.service]).toEqual([DEFAULT_METRICS_NAMESPACE, "transform"]);
  });
});
