/**
 * Starting the Glue crawler. A module of its own so the handler loads it, and with it the Glue
 * client, only when new data has landed: imported by name, the client's unused commands and
 * schemas stay out of the bundle.
 */
import { CrawlerRunningException, GlueClient, StartCrawlerCommand } from "@aws-sdk/client-glue";

let glue: GlueClient | undefined;

/**
 * Starts the crawler `name`: "started", or "already running" when a crawl is under way (it
 * will pick up the new data). Any other failure throws.
 */
export async function startGlueCrawler(name: string): Promise<"started" | "already running"> {
  glue ??= new GlueClient({});
  try {
    await glue.send(new StartCrawlerCommand({ Name: name }));
    return "started";
  } catch (error) {
    if (error instanceof CrawlerRunningException) return "already running";
    throw error;
  }
}
