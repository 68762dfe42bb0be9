import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from "@aws-sdk/client-athena";
import { mockClient } from "aws-sdk-client-mock";
import { AthenaQueryError, runAthenaQuery } from "../../../scripts/lib/athena-query";
import { namedQuery, statementOf } from "../../../scripts/lib/named-queries";

const athena = mockClient(AthenaClient);
const noWait = () => Promise.resolve();
const row = (...values: (string | undefined)[]) => ({
  Data: values.map((VarCharValue) => ({ VarCharValue })),
});
const columns = {
  ColumnInfo: [
    { Name: "song_name", Type: "varchar" },
    { Name: "position", Type: "integer" },
  ],
};

describe("runAthenaQuery", () => {
  beforeEach(() => athena.reset());

  it("starts the named query in the workgroup, polls until done and reads every page", async () => {
    // Prepare
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "q1" });
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce({ QueryExecution: { Status: { State: "QUEUED" } } })
      .resolvesOnce({ QueryExecution: { Status: { State: "RUNNING" } } })
      .resolves({ QueryExecution: { Status: { State: "SUCCEEDED" } } });
    athena
      .on(GetQueryResultsCommand, { QueryExecutionId: "q1", NextToken: undefined })
      .resolves({
        ResultSet: {
          ResultSetMetadata: columns,
          Rows: [row("song_name", "position"), row("Fortnight", "1")],
        },
        NextToken: "p2",
      })
      .on(GetQueryResultsCommand, { QueryExecutionId: "q1", NextToken: "p2" })
      .resolves({
        ResultSet: { ResultSetMetadata: columns, Rows: [row('Down, "Bad"', undefined)] },
      });
    const states: string[] = [];
    const sql = statementOf(namedQuery("latest_chart"));

    // Act
    const rows = await runAthenaQuery(new AthenaClient({ region: "us-east-1" }), {
      sql,
      workgroup: "spotify-etl",
      database: "spotify_etl",
      sleep: noWait,
      onStatus: (state) => states.push(state),
    });

    // Assess
    expect(athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input).toEqual({
      QueryString: sql,
      WorkGroup: "spotify-etl",
      QueryExecutionContext: { Database: "spotify_etl" },
    });
    expect(sql.endsWith(";")).toBe(false);
    expect(states).toEqual(["QUEUED", "RUNNING", "SUCCEEDED"]);
    expect(rows).toEqual([
      { song_name: "Fortnight", position: "1" },
      { song_name: 'Down, "Bad"', position: null },
    ]);
  });

  it.each(["FAILED", "CANCELLED"])(
    "fails clearly with Athena's own error when the query is %s",
    async (state) => {
      // Prepare
      athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "q2" });
      athena.on(GetQueryExecutionCommand).resolves({
        QueryExecution: {
          Status: {
            State: state as "FAILED",
            StateChangeReason: "fallback reason",
            AthenaError: {
              ErrorMessage:
                "TABLE_NOT_FOUND: line 3:8: Table 'awsdatacatalog.spotify_etl.songs' does not exist",
            },
          },
        },
      });

      // Act
      const act = runAthenaQuery(new AthenaClient({ region: "us-east-1" }), {
        sql: "SELECT 1",
        workgroup: "w",
        database: "d",
        sleep: noWait,
      });

      // Assess
      await expect(act).rejects.toThrow(AthenaQueryError);
      await expect(act).rejects.toThrow(`Athena query q2 ${state}: TABLE_NOT_FOUND`);
      expect(athena.commandCalls(GetQueryResultsCommand)).toHaveLength(0);
    },
  );
});
