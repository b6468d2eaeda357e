"""What every reader's file object knows about its headers, written once."""

from __future__ import annotations


class HeaderMap:
    """Mixed into the readers' frozen dataclasses, which hold `source_headers` and `columns`
    (the canonical column each source header names, or None) and declare `unknown_headers`."""

    source_headers: list[str]
    columns: list[str | None]

    def __post_init__(self) -> None:
        unknown = [h for h, c in zip(self.source_headers, self.columns, strict=True) if h and c is None]
        object.__setattr__(self, "unknown_headers", unknown)

    @property
    def present_columns(self) -> list[str]:
        """Canonical columns the file has, in its order; absent optional columns are not in its rows."""
        return [column for column in self.columns if column is not None]
