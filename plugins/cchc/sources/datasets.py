"""The datasets of the landing zone and the headers each accepts.

A header matches a column when its folded form (see `text.fold`) equals the folded canonical
name or one of the folded aliases, so 'Mã hồ sơ', 'MA HO SO' and 'dossier_id' all name one column.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cchc.sources.text import fold


@dataclass(frozen=True)
class Column:
    name: str
    aliases: tuple[str, ...] = ()
    required: bool = True

    def header_keys(self) -> set[str]:
        return {fold(self.name), *(fold(alias) for alias in self.aliases)}


@dataclass(frozen=True)
class DatasetSpec:
    name: str
    columns: tuple[Column, ...]
    _lookup: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lookup: dict[str, str] = {}
        for column in self.columns:
            for key in column.header_keys():
                if key in lookup:
                    raise ValueError(f"header alias {key!r} names both {lookup[key]} and {column.name}")
                lookup[key] = column.name
        object.__setattr__(self, "_lookup", lookup)

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    @property
    def required_names(self) -> list[str]:
        return [column.name for column in self.columns if column.required]

    def canonical(self, header: str) -> str | None:
        """The column a source header names, or None if it names none of ours."""
        return self._lookup.get(fold(header))


DOSSIERS = DatasetSpec(
    name="dossiers",
    columns=(
        Column("dossier_id", ("Mã hồ sơ", "Số hồ sơ", "Ma HS")),
        Column("unit_code", ("Mã đơn vị", "Mã ĐVHC", "Đơn vị"), required=False),
        Column("procedure_code", ("Mã thủ tục", "Mã TTHC", "Thủ tục")),
        Column("field", ("Lĩnh vực",)),
        Column("channel", ("Hình thức nộp", "Kênh nộp", "Kênh thực hiện", "KenhThucHien")),
        Column("received_at", ("Ngày tiếp nhận", "Ngày nhận")),
        Column("due_at", ("Ngày hẹn trả", "Hạn giải quyết")),
        Column("resolved_at", ("Ngày có kết quả", "Ngày giải quyết", "Ngày trả kết quả"), required=False),
        Column("returned_by_post", ("Trả kết quả qua BCCI", "Trả qua bưu chính"), required=False),
        Column("supplement_requests", ("Số lần yêu cầu bổ sung", "Số lần bổ sung"), required=False),
    ),
)

DATASETS: dict[str, DatasetSpec] = {DOSSIERS.name: DOSSIERS}
