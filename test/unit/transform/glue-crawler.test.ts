import {
  CrawlerRunningException,
  EntityNotFoundException,
  GlueClient,
  StartCrawlerCommand,
} from "@aws-sdk/client-glue";
import { mockClient } from "aws-sdk-client-mock";
import { startGlueCrawler } from "../../../functions/transform/glue-crawler";

describe("startGlueCrawler", () => {
  const glue = mockClient(GlueClient);
  beforeEach(() => glue.reset());
  afterAll(() => glue.restore());

  it("starts the crawler by name", async () => {
    // Prepare
    glue.on(StartCrawlerCommand).resolves({});

    // Act
    const outcome = await startGlueCrawler("lake-crawler");

    // Assess
    expect(outcome).toBe("started");
    expect(glue.commandCalls(StartCrawlerCommand)[0]!.args[0].input).toEqual({
      Name: "lake-crawler",
    });
  });

  it("says so when a crawl is already running", async () => {
    // Prepare
    glue
      .on(StartCrawlerCommand)
      .rejects(new CrawlerRunningException({ message: "running", $metadata: {} }));

    // Act
    const outcome = await startGlueCrawler("lake-crawler");

    // Assess
    expect(outcome).toBe("already running");
  });

  it("throws any other failure for the caller to report", async () => {
    // Prepare
    glue
      .on(StartCrawlerCommand)
      .rejects(new EntityNotFoundException({ message: "no such crawler", $metadata: {} }));

    // Act
    const act = startGlueCrawler("lake-crawler");

    // Assess
    await expect(act).rejects.toThrow("no such crawler");
  });
});
