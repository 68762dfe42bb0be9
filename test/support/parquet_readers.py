"""Reads Parquet files with pyarrow (Arrow C++), polars and fastparquet for the readers test.

Usage: parquet_readers.py FILE...  Prints one JSON object: file -> reader -> either
{"columns": [...], "rows": [[...], ...]} or {"error": "..."}. Values are made comparable:
timestamps as epoch milliseconds, dates as YYYY-MM-DD, lists as lists, every null as null
(fastparquet gives NaN, NaT or pd.NA for some nulls). The column types come from the file's
schema as pyarrow reads it, so each reader's values are converted the same way.
"""

import datetime
import json
import math
import sys

import fastparquet
import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def is_null(value):
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return False


def canonical(value, arrow_type):
    """One value as the JSON the test compares; `arrow_type` is the column's pyarrow type."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if is_null(value):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if pa.types.is_list(arrow_type) or pa.types.is_large_list(arrow_type):
        return [canonical(v, arrow_type.value_type) for v in value]
    if pa.types.is_timestamp(arrow_type):
        if isinstance(value, pd.Timestamp):
            value = value.to_pydatetime()
        if value.tzinfo is None:  # a reader that drops the zone still gives UTC wall time
            value = value.replace(tzinfo=datetime.timezone.utc)
        delta = value - EPOCH
        return delta.days * 86_400_000 + delta.seconds * 1000 + delta.microseconds // 1000
    if pa.types.is_date(arrow_type):
        if isinstance(value, (pd.Timestamp, datetime.datetime)):
            value = value.date()
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8")
    return value


def table_of(columns, types, rows):
    return {
        "columns": columns,
        "rows": [[canonical(v, t) for v, t in zip(row, types)] for row in rows],
    }


def read_pyarrow(path, schema):
    table = pq.read_table(path)
    columns = table.column_names
    data = [table.column(c).to_pylist() for c in columns]
    return table_of(columns, [schema.field(c).type for c in columns], zip(*data))


def read_polars(path, schema):
    frame = pl.read_parquet(path)
    return table_of(frame.columns, [schema.field(c).type for c in frame.columns], frame.rows())


def read_fastparquet(path, schema):
    frame = fastparquet.ParquetFile(path).to_pandas()
    columns = list(frame.columns)
    rows = frame.itertuples(index=False, name=None)
    return table_of(columns, [schema.field(c).type for c in columns], rows)


READERS = {"pyarrow": read_pyarrow, "polars": read_polars, "fastparquet": read_fastparquet}


def main(paths):
    result = {}
    for path in paths:
        schema = pq.read_schema(path)
        result[path] = {}
        for name, read in READERS.items():
            try:
                result[path][name] = read(path, schema)
            except Exception as error:  # a reader that fails is a finding, reported per reader
                result[path][name] = {"error": f"{type(error).__name__}: {error}"}
    sys.stdout.write(json.dumps(result, ensure_ascii=False))  # one write: dump() writes piecemeal


if __name__ == "__main__":
    main(sys.argv[1:])
