/**
 * The committed AWS provider schema (scripts/terraform/aws-provider-schema.json.gz, made by
 * generate-provider-schema.ts from @cdktf/provider-aws's .jsii): the provider line the
 * Terraform pins, and the shape the checker relies on.
 */
import { loadProviderSchema } from "../../scripts/terraform/provider-schema";

describe("AWS provider schema", () => {
  const schema = loadProviderSchema();

  it("describes hashicorp/aws 6.x, matching the ~> 6.0 pin", () => {
    // Assess
    expect(schema.provider).toBe("registry.terraform.io/hashicorp/aws");
    expect(schema.providerVersion).toMatch(/^6\.\d+\.\d+$/);
    expect(schema.generatedFrom).toMatch(/^@cdktf\/provider-aws@21\./);
    expect(Object.keys(schema.resources).length).toBeGreaterThan(1500);
    expect(Object.keys(schema.dataSources).length).toBeGreaterThan(600);
  });

  it("records required arguments, nested blocks and their flags", () => {
    // Act
    const lambda = schema.resources.aws_lambda_function!;
    const schedule = schema.resources.aws_scheduler_schedule!;
    const statement = schema.dataSources.aws_iam_policy_document!.b.statement!;

    // Assess
    expect(lambda.a.function_name).toBe("!s");
    expect(lambda.a.role).toBe("!s");
    expect(lambda.a.architectures).toBe("l");
    expect(lambda.a.region).toBe("s");
    expect(lambda.b.environment).toMatchObject({ s: 1, a: { variables: "m" } });
    expect(schedule.b.target).toMatchObject({ r: 1, s: 1 });
    expect(schedule.b.target!.b.retry_policy).toMatchObject({ s: 1 });
    expect(statement.s).toBeUndefined();
    expect(statement.b.condition!.a).toEqual({ test: "!s", values: "!l", variable: "!s" });
  });
});
