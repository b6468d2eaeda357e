"""The datasets of the landing zone and the headers each accepts.

A header matches a column when its folded form (see `text.fold`) equals the folded canonical
name or one of the folded aliases, so 'Mã hồ sơ', 'MA HO SO' and 'dossier_id' all name one column.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cchc.sources.text import fold

KINDS = (
    "text",
    "int",
    "decimal",
    "percent",
    "date",
    "datetime",
    "bool",
    "channel",
    "online_level",
    "unit_level",
    "dossier_status",
)


# Headers no dataset loads, on purpose, so not worth a warning: a list's row number, and the applicant's
# personal data (name, address, phone, e-mail, identity number), which no indicator needs and the
# warehouse does not keep. Folded (see `text.fold`).
NOT_LOADED_HEADERS = frozenset(
    fold(header)
    for header in (
        "STT", "TT", "Số TT", "Số thứ tự", "No", "Chủ hồ sơ", "ChuHoSo", "Người nộp", "Người nộp hồ sơ",
        "Tên công dân", "Địa chỉ", "Số điện thoại", "SoDienThoai", "Điện thoại", "Email", "Fax", "CMND",
        "CCCD", "Số CMND/CCCD", "Số giấy tờ", "MaDoiTuong", "LoaiDoiTuong", "Trích yếu", "TrichYeuHoSo",
    )
)  # fmt: skip


@dataclass(frozen=True)
class Column:
    """A column of a dataset: its canonical name, the headers that name it, its type in staging.

    `required`: a file without a header for it is refused (an indicator needs it); a required
    column's values must be filled in, unless `may_be_empty` (a pending dossier has no result date
    yet, but a file without the column would read every dossier as pending). `fallback`: another
    column of the dataset whose header stands in for this one when a file has no header of its own
    for it (the return date for the result date), which the reader reports. `pending_words`: status
    words written in this date column ('Đang xử lý') mean no date yet rather than an unreadable value.
    """

    name: str
    aliases: tuple[str, ...] = ()
    required: bool = True
    kind: str = "text"
    fallback: str | None = None
    pending_words: bool = False
    may_be_empty: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"{self.name}: unknown kind {self.kind!r}")

    def header_keys(self) -> set[str]:
        return {fold(self.name), *(fold(alias) for alias in self.aliases)}

    @property
    def label(self) -> str:
        """The header a Vietnamese export gives the column, for messages."""
        return self.aliases[0] if self.aliases else self.name

    @property
    def derived(self) -> tuple[str, ...]:
        """Staging columns computed from this one: whether a date-time carries a time of day, the class
        of a status."""
        if self.kind == "datetime":
            return (f"{self.name}_has_time",)
        if self.kind == "dossier_status":
            return (f"{self.name}_class",)
        return ()


@dataclass(frozen=True)
class DatasetSpec:
    """A landing dataset. `unit_is_landing`: every row is about the unit its folder names (an
    empty unit code takes that unit); otherwise rows name other units (e.g. a district's II.06a
    lists its communes)."""

    name: str
    columns: tuple[Column, ...]
    staging_table: str
    unit_is_landing: bool = True
    _lookup: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lookup: dict[str, str] = {}
        names = {column.name for column in self.columns}
        for column in self.columns:
            for key in column.header_keys():
                if key in lookup:
                    raise ValueError(f"header alias {key!r} names both {lookup[key]} and {column.name}")
                lookup[key] = column.name
            if column.fallback is not None and column.fallback not in names:
                raise ValueError(f"{column.name}: fallback {column.fallback!r} is not a column of {self.name}")
        object.__setattr__(self, "_lookup", lookup)

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    @property
    def required_names(self) -> list[str]:
        return [column.name for column in self.columns if column.required]

    @property
    def staged_names(self) -> list[str]:
        """The dataset's columns in its staging table: each column, then what staging derives from it."""
        return [name for column in self.columns for name in (column.name, *column.derived)]

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)

    def canonical(self, header: str) -> str | None:
        """The column a source header names, or None if it names none of ours."""
        return self._lookup.get(fold(header))


# Headers of the desks' exports and of the national portal's sync fields (MaHoSo, NgayTiepNhan,
# NgayHenTra, NgayKetThucXuLy, NgayTra, TrangThaiHoSo ...: dates as yyyyMMddHHmmss, channel 1/2/3).
DOSSIERS = DatasetSpec(
    name="dossiers",
    staging_table="staging.stg_one_stop__dossiers",
    columns=(
        Column("dossier_id", ("Mã hồ sơ", "Số hồ sơ", "Ma HS", "MaHoSo")),
        Column("unit_code", ("Mã đơn vị", "Mã ĐVHC", "Đơn vị", "MaDonVi"), required=False),
        Column("procedure_code", ("Mã thủ tục", "Mã TTHC", "Thủ tục", "MaTTHC")),
        Column("field", ("Lĩnh vực", "Tên lĩnh vực", "TenLinhVuc"), fallback="field_code"),
        Column(
            "channel",
            ("Hình thức nộp", "Kênh nộp", "Kênh thực hiện", "KenhThucHien", "Hình thức tiếp nhận"),
            kind="channel",
        ),
        Column(
            "received_at",
            ("Ngày tiếp nhận", "Ngày nhận", "Ngày nộp hồ sơ", "Ngày nộp", "NgayTiepNhan", "Ngày tiếp nhận hồ sơ"),
            kind="datetime",
        ),
        Column(
            "due_at",
            ("Ngày hẹn trả", "Hạn giải quyết", "Ngày hẹn trả kết quả", "Hạn xử lý", "NgayHenTra"),
            kind="datetime",
        ),
        # The day the result was ready: what early / on time / late are judged on. A file must have the
        # column (empty while pending): without it every dossier would read as pending.
        Column(
            "resolved_at",
            (
                "Ngày có kết quả",
                "Ngày giải quyết",
                "Ngày kết thúc xử lý",
                "Ngày hoàn thành",
                "Ngày xử lý xong",
                "NgayKetThucXuLy",
            ),
            kind="datetime",
            fallback="returned_at",
            pending_words=True,
            may_be_empty=True,
        ),
        Column(
            "returned_by_post",
            ("Trả kết quả qua BCCI", "Trả qua bưu chính", "HinhThuc"),
            required=False,
            kind="bool",
        ),
        Column("supplement_requests", ("Số lần yêu cầu bổ sung", "Số lần bổ sung"), required=False, kind="int"),
        # Columns some exports add: kept in staging, used for checks, not needed by an indicator.
        Column("unit_name", ("Đơn vị tiếp nhận", "Tên đơn vị", "Cơ quan tiếp nhận", "DonViXuLy"), required=False),
        Column(
            "procedure_name",
            ("Tên thủ tục hành chính", "Tên thủ tục", "Tên TTHC", "TenTTHC"),
            required=False,
        ),
        Column("field_code", ("Mã lĩnh vực", "MaLinhVuc"), required=False),
        Column(
            "returned_at",
            ("Ngày trả kết quả", "Ngày trả", "Ngày trả hồ sơ", "NgayTra"),
            required=False,
            kind="datetime",
            pending_words=True,
        ),
        Column(
            "status",
            ("Trạng thái", "Trạng thái hồ sơ", "Tình trạng", "TrangThaiHoSo"),
            required=False,
            kind="dossier_status",
        ),
    ),
)

# Biểu II.06a/VPCP/KSTT as staff fill it: one row per unit or field, columns (3)-(13) of the form.
ONE_STOP_REPORT = DatasetSpec(
    name="one_stop_report",
    staging_table="staging.stg_one_stop__ii06a_rows",
    unit_is_landing=False,
    columns=(
        Column("row_label", ("Đơn vị", "Lĩnh vực", "Tên đơn vị", "Lĩnh vực, công việc giải quyết theo cấp")),
        Column("unit_code", ("Mã đơn vị", "Mã ĐVHC"), required=False),
        Column("received_total", ("Tổng số hồ sơ nhận giải quyết", "Tổng số nhận"), kind="int"),
        Column("received_online", ("Trực tuyến", "Số mới tiếp nhận trực tuyến"), kind="int"),
        Column("received_direct_postal", ("Trực tiếp, dịch vụ bưu chính", "Số mới tiếp nhận trực tiếp"), kind="int"),
        Column("received_carried_over", ("Từ kỳ trước", "Kỳ trước chuyển qua"), kind="int"),
        Column("resolved_total", ("Tổng số hồ sơ đã giải quyết", "Tổng số đã giải quyết"), kind="int"),
        Column("resolved_early", ("Trước hạn",), kind="int"),
        Column("resolved_on_time", ("Đúng hạn",), kind="int"),
        Column("resolved_late", ("Quá hạn",), kind="int"),
        Column("pending_total", ("Tổng số hồ sơ đang giải quyết", "Tổng số đang giải quyết"), kind="int"),
        Column("pending_in_time", ("Trong hạn",), kind="int"),
        Column("pending_overdue", ("Quá hạn (đang giải quyết)", "Đang giải quyết quá hạn"), kind="int"),
    ),
)

# Satisfaction survey (SIPAS-style), one row per response; factor scores on the form's own scale.
SURVEYS = DatasetSpec(
    name="surveys",
    staging_table="staging.stg_sipas__survey_responses",
    columns=(
        Column("response_id", ("Mã phiếu", "Số phiếu")),
        Column("unit_code", ("Mã đơn vị",), required=False),
        Column("surveyed_on", ("Ngày khảo sát", "Ngày đánh giá"), kind="date"),
        Column("procedure_code", ("Mã thủ tục",), required=False),
        Column("score_access", ("Tiếp cận dịch vụ",), required=False, kind="decimal"),
        Column("score_procedure", ("Thủ tục hành chính",), required=False, kind="decimal"),
        Column("score_staff", ("Công chức giải quyết", "Công chức"), kind="decimal"),
        Column("score_result", ("Kết quả giải quyết", "Kết quả"), kind="decimal"),
        Column("score_feedback", ("Tiếp nhận, xử lý góp ý", "Góp ý, phản ánh"), required=False, kind="decimal"),
        Column("satisfied", ("Hài lòng", "Mức độ hài lòng chung"), kind="bool"),
    ),
)

# Inspection findings and criterion scores (e.g. Chỉ thị 29-CT/TU: Trách nhiệm 100%).
INSPECTIONS = DatasetSpec(
    name="inspections",
    staging_table="staging.stg_inspection__findings",
    unit_is_landing=False,
    columns=(
        Column("inspection_id", ("Mã đợt kiểm tra", "Đợt kiểm tra")),
        Column("unit_code", ("Mã đơn vị",), required=False),
        Column("inspected_on", ("Ngày kiểm tra",), kind="date"),
        Column("inspecting_body", ("Đoàn kiểm tra", "Cơ quan kiểm tra"), required=False),
        Column("criterion", ("Tiêu chí", "Nội dung kiểm tra")),
        Column("score_percent", ("Kết quả (%)", "Tỷ lệ đạt"), required=False, kind="percent"),
        Column("finding", ("Tồn tại, hạn chế", "Kết luận"), required=False),
        Column("corrective_document", ("Văn bản chấn chỉnh", "Số văn bản"), required=False),
        Column("corrective_issued_on", ("Ngày ban hành văn bản",), required=False, kind="date"),
        Column("followed_up", ("Đã khắc phục",), required=False, kind="bool"),
    ),
)

# CCHC plans with their deadline, and whether the budget was published on the unit's website.
PLANS = DatasetSpec(
    name="plans",
    staging_table="staging.stg_cchc__plans",
    columns=(
        Column("plan_id", ("Số kế hoạch", "Số hiệu")),
        Column("unit_code", ("Mã đơn vị",), required=False),
        Column("plan_year", ("Năm kế hoạch", "Năm"), kind="int"),
        Column("title", ("Tên kế hoạch", "Trích yếu")),
        Column("issued_on", ("Ngày ban hành",), kind="date"),
        Column("deadline", ("Hạn ban hành", "Thời hạn"), kind="date"),
        Column("budget_published", ("Công khai ngân sách", "Đã công khai ngân sách"), required=False, kind="bool"),
        Column("budget_published_on", ("Ngày công khai ngân sách",), required=False, kind="date"),
    ),
)

# The procedure catalogue a unit applies, with its online service level.
PROCEDURES = DatasetSpec(
    name="procedures",
    staging_table="staging.stg_tthc__procedures",
    unit_is_landing=False,
    columns=(
        Column("procedure_code", ("Mã thủ tục", "Mã TTHC")),
        Column("procedure_name", ("Tên thủ tục", "Tên TTHC")),
        Column("field", ("Lĩnh vực",)),
        Column("level", ("Cấp thực hiện", "Cấp"), kind="unit_level"),
        Column("online_level", ("Mức độ DVC", "Mức độ dịch vụ công trực tuyến", "Mức độ"), kind="online_level"),
        Column("processing_days", ("Thời hạn giải quyết", "Số ngày giải quyết"), required=False, kind="int"),
    ),
)

# Chỉ số CCHC (PAR INDEX) by area: self-assessed and appraised scores. A district's file also
# carries the scores it appraised for its communes, so rows name their own unit.
PAR_INDEX = DatasetSpec(
    name="par_index",
    staging_table="staging.stg_par_index__scores",
    unit_is_landing=False,
    columns=(
        Column("unit_code", ("Mã đơn vị",), required=False),
        Column("year", ("Năm đánh giá", "Năm"), kind="int"),
        Column("area", ("Lĩnh vực", "Tiêu chí", "Lĩnh vực, tiêu chí")),
        Column("max_score", ("Điểm tối đa",), kind="decimal"),
        Column("self_score", ("Điểm tự đánh giá", "Tự đánh giá"), kind="decimal"),
        Column("appraised_score", ("Điểm thẩm định", "Thẩm định"), required=False, kind="decimal"),
    ),
)

DATASETS: dict[str, DatasetSpec] = {
    spec.name: spec for spec in (DOSSIERS, ONE_STOP_REPORT, SURVEYS, INSPECTIONS, PLANS, PROCEDURES, PAR_INDEX)
}
