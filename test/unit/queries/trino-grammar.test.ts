/**
 * Every named query (queries/*.sql) parses under Trino's grammar, the engine Athena runs, and
 * guards every subscript with try(): Trino fails a whole query on `artist_ids[1]` of a song
 * with no artist ids, where DuckDB (the local mode, and the named-queries test) returns NULL.
 */
import { listNamedQueries } from "../../../scripts/lib/named-queries";
import { trinoSqlProblems } from "../../support/trino-sql";

describe("trinoSqlProblems", () => {
  it("flags a subscript outside try(), also inside an aggregate, with its line", () => {
    // Act
    const problems = trinoSqlProblems(
      "SELECT\n  artist_ids[1] AS lead,\n  MIN(artist_ids[2]) AS other\nFROM songs",
    );

    // Assess
    expect(problems).toEqual([
      { line: 2, message: "unguarded subscript artist_ids[1]: write try(artist_ids[1])" },
      { line: 3, message: "unguarded subscript artist_ids[2]: write try(artist_ids[2])" },
    ]);
  });

  it("flags a subscript whose nearest function is not try, even inside try", () => {
    // Act
    const problems = trinoSqlProblems("SELECT try(coalesce(a[1], 'x')) FROM t");

    // Assess
    expect(problems.map((p) => p.message)).toEqual(["unguarded subscript a[1]: write try(a[1])"]);
  });

  it("accepts subscripts directly inside try(), in any case", () => {
    // Act
    const problems = trinoSqlProblems(
      "SELECT MIN(try(s.artist_ids[1])), TRY(s.artist_ids[2]) FROM songs AS s",
    );

    // Assess
    expect(problems).toEqual([]);
  });

  it("reports SQL that Trino's grammar does not parse", () => {
    // Act
    const problems = trinoSqlProblems("SELECT a FROM t QUALIFY ROW_NUMBER() OVER () = 1");

    // Assess
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toEqual({ line: 1, message: expect.stringMatching(/^syntax: /) });
  });
});

describe("queries/*.sql under Trino's grammar", () => {
  const queries = listNamedQueries();

  it("finds the named queries", () => {
    expect(queries.length).toBeGreaterThan(0);
  });

  it.each(queries.map((query) => [query.name, query.sql] as const))(
    "%s parses and guards every subscript",
    (_name, sql) => {
      // Act
      const problems = trinoSqlProblems(sql);

      // Assess
      expect(problems).toEqual([]);
    },
  );
});
