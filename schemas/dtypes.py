"""One mapping from field types to pandas, Arrow and Table Schema types."""
from __future__ import annotations

import pandas as pd
import pyarrow as pa

ARROW = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_(),
         "date": pa.date32()}
PANDAS = {"string": pd.StringDtype(), "integer": pd.Int64Dtype(), "number": pd.Float64Dtype(),
          "boolean": pd.BooleanDtype(), "date": pd.ArrowDtype(pa.date32())}
