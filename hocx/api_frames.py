"""The model and edge tables as pandas DataFrames (front-end layer; pandas is optional)."""
from __future__ import annotations

from .errors import HocError


class PandasMissing(HocError, ImportError):
    """``s.table_frame()`` without pandas installed."""

    kind = "import error"


def _pandas(what: str):
    try:
        import pandas
    except ImportError:
        raise PandasMissing(f"{what} needs pandas, which is not installed",
                            hint="pip install pandas (or use s.table / s.edges: dicts of numpy columns)") from None
    return pandas


def frame(columns: dict, what: str):
    """A DataFrame with one column per entry of ``columns`` (equal-length numpy arrays)."""
    pd = _pandas(what)
    return pd.DataFrame({k: v for k, v in columns.items()})
