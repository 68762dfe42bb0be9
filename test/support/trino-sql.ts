/**
 * Checks SQL against Trino's grammar (dt-sql-parser's TrinoSQL, the ANTLR grammar of Trino,
 * which Athena engine v3 runs): syntax errors, and array subscripts that Trino would fail on.
 */
import { TrinoSQL, TrinoSqlListener } from "dt-sql-parser";
import type {
  FunctionCallContext,
  SubscriptContext,
} from "dt-sql-parser/dist/lib/trino/TrinoSqlParser";

/** One problem found in a statement, with its 1-based line. */
export interface TrinoSqlProblem {
  line: number;
  message: string;
}

class SubscriptCollector extends TrinoSqlListener {
  readonly subscripts: SubscriptContext[] = [];
  override enterSubscript = (ctx: SubscriptContext): void => {
    this.subscripts.push(ctx);
  };
}

type RuleContext = NonNullable<SubscriptContext["parent"]>;

const isFunctionCall = (ctx: RuleContext): ctx is FunctionCallContext =>
  typeof (ctx as Partial<FunctionCallContext>).functionName === "function";

/**
 * Whether `try(...)` is the nearest function call around a subscript. Trino fails the whole
 * query on `a[1]` of an empty array, DuckDB returns NULL; inside try() both return NULL, and a
 * function between them (say coalesce) would see Trino's error first.
 */
function guardedByTry(subscript: SubscriptContext): boolean {
  for (let ctx = subscript.parent; ctx; ctx = ctx.parent) {
    if (isFunctionCall(ctx)) return ctx.functionName().getText().toLowerCase() === "try";
  }
  return false;
}

/**
 * Syntax errors under Trino's grammar, and every subscript (`x[i]`) that is not directly inside
 * `try(...)`. An empty list means the statement parses and every subscript is guarded.
 */
export function trinoSqlProblems(sql: string): TrinoSqlProblem[] {
  const parser = new TrinoSQL();
  const problems: TrinoSqlProblem[] = parser
    .validate(sql)
    .map((error) => ({ line: error.startLine, message: `syntax: ${error.message}` }));
  if (problems.length > 0) return problems;
  const collector = new SubscriptCollector();
  parser.listen(collector, parser.parse(sql));
  for (const subscript of collector.subscripts) {
    if (!guardedByTry(subscript)) {
      problems.push({
        line: subscript.start?.line ?? 0,
        message: `unguarded subscript ${subscript.getText()}: write try(${subscript.getText()})`,
      });
    }
  }
  return problems;
}
