"""The team workbook's schema: sheets, columns, kinds and enumerations, written once.

The reader (:mod:`clusterkit.workbook`), the blank-workbook writer and the book's data dictionary
are all generated from these definitions. Canonical keys are English snake_case, as in the
workbook contract; French headers, sheet names and enumeration labels are accepted as aliases
and come from the message catalogue (``col.<key>``, ``sheet.<key>``, ``enum.<name>.<value>``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Enumerations: canonical values, in the order the blank workbook's drop-downs show them.
ENUMS: dict[str, tuple[str, ...]] = {
    "orientation": ("competitiveness", "pro_poor"),
    "language": ("fr", "en"),
    "direction": ("higher_better", "lower_better"),
    "criterion_group": ("economic", "pro_poor", "institutional", "environment"),
    "role": ("lead_firm", "producer", "supplier", "subcontractor", "service_provider", "trader"),
    "owner_gender": ("f", "m", "mixed"),
    "market_segment": ("local", "national", "regional", "international"),
    "actor_type": (
        "enterprise",
        "association",
        "public_institution",
        "bds_provider",
        "financial_institution",
        "training_research",
        "buyer",
        "ngo",
        "other",
    ),
    "level": ("micro", "meso", "macro"),
    "relation_type": (
        "supply",
        "subcontracting",
        "information",
        "joint_action",
        "service",
        "finance",
        "training",
        "governance",
    ),
    "swot_category": ("strength", "weakness", "opportunity", "threat"),
    "theme": ("production", "marketing", "finance", "skills", "governance", "social", "environment", "institutions"),
    "action_kind": ("quick_win", "structuring"),
    "domain": (
        "information",
        "commercial",
        "innovation",
        "human_resources",
        "procurement",
        "finance",
        "production",
        "international",
        "infrastructure",
        "environment",
    ),
    "scope": ("firm_group", "whole_cluster"),
    "status": ("planned", "ongoing", "done", "dropped"),
    "indicator_level": ("activity", "output", "outcome", "impact"),
    "dimension": ("extension", "efficiency", "effectiveness", "sustainability"),
    "battery": ("competitiveness", "pro_poor", "governance", "joint_action", "network", "institution"),
    "assessor": ("self", "peer", "trainer"),
    "competency": ("facilitator", "coach", "project_manager"),
    "skill": (
        "listening_meetings",
        "actor_systems",
        "social_capital",
        "network_management",
        "participatory_diagnosis",
        "collective_action",
        "coaching",
        "value_chain",
        "project_engineering",
        "finance_access",
        "change_management",
        "performance_measurement",
    ),
    "narrative_section": ("context", "history", "system", "business", "social", "organisation", "social_capital"),
}

# Which competency each sub-skill belongs to (document 000, §3.4).
SKILL_COMPETENCY: dict[str, str] = {
    skill: competency
    for competency, skills in {
        "facilitator": ENUMS["skill"][0:4],
        "coach": ENUMS["skill"][4:8],
        "project_manager": ENUMS["skill"][8:12],
    }.items()
    for skill in skills
}

KINDS = ("id", "ref", "text", "integer", "number", "share", "date", "enum", "bool")


@dataclass(frozen=True)
class Column:
    """One column: its canonical key, its kind and the rules its cells must follow."""

    key: str
    kind: str
    required: bool = True
    enum: str | None = None  # for kind "enum"
    ref: tuple[str, str] | None = None  # for kind "ref": (sheet, id column)
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False

    def __post_init__(self):
        assert self.kind in KINDS, self.kind
        assert (self.kind == "enum") == (self.enum is not None), self.key
        assert (self.kind == "ref") == (self.ref is not None), self.key


@dataclass(frozen=True)
class Sheet:
    key: str
    columns: tuple[Column, ...]
    id_column: str | None = None
    # candidates: every column not listed is a numeric criterion
    open_numeric: bool = False
    # cluster: a key/value sheet whose rows are the `columns`
    key_value: bool = False
    unique_together: tuple[str, ...] = field(default=())

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


def C(key, kind, **kw) -> Column:
    return Column(key, kind, **kw)


def opt(key, kind, **kw) -> Column:
    return Column(key, kind, required=False, **kw)


def enum(key, name, required=True) -> Column:
    return Column(key, "enum", required=required, enum=name)


def score(key, low, high, required=True) -> Column:
    return Column(key, "integer", required=required, minimum=low, maximum=high)


SHEETS: dict[str, Sheet] = {
    s.key: s
    for s in (
        Sheet(
            "cluster",
            key_value=True,
            columns=(
                C("name", "text"),
                opt("country", "text"),
                opt("region", "text"),
                opt("sector", "text"),
                enum("orientation", "orientation", required=False),
                enum("language", "language", required=False),
                opt("currency", "text"),
                opt("facilitator", "text"),
                opt("start_date", "date"),
                opt("status_date", "date"),
                opt("note", "text"),
            ),
        ),
        # Step 1: mapping and selection
        Sheet(
            "employment",
            unique_together=("region", "sector", "year"),
            columns=(
                C("region", "text"),
                C("sector", "text"),
                score("year", 1900, 2100),
                opt("employment", "number", minimum=0),
                opt("establishments", "number", minimum=0),
            ),
        ),
        Sheet(
            "candidates",
            id_column="candidate_id",
            open_numeric=True,
            columns=(C("candidate_id", "id"), C("name", "text"), C("region", "text"), C("sector", "text")),
        ),
        Sheet(
            "criteria",
            id_column="criterion",
            columns=(
                C("criterion", "id"),
                C("label", "text"),
                C("weight", "number", minimum=0, exclusive_minimum=True),
                enum("direction", "direction"),
                opt("min_threshold", "number"),
                enum("group", "criterion_group"),
            ),
        ),
        # Step 2: diagnostic study
        Sheet(
            "enterprises",
            id_column="enterprise_id",
            columns=(
                C("enterprise_id", "id"),
                C("name", "text"),
                enum("role", "role"),
                C("employees", "integer", minimum=0),
                opt("employees_women", "integer", minimum=0),
                enum("owner_gender", "owner_gender", required=False),
                opt("owner_stratum", "text"),
                opt("year_founded", "integer", minimum=1800, maximum=2100),
                opt("turnover", "number", minimum=0),
                opt("export_share", "share"),
                opt("main_product", "text"),
                enum("market_segment", "market_segment", required=False),
                opt("association_member", "bool"),
                opt("submission_uuid", "text"),
            ),
        ),
        Sheet(
            "actors",
            id_column="actor_id",
            columns=(C("actor_id", "id"), C("name", "text"), enum("type", "actor_type"), enum("level", "level")),
        ),
        Sheet(
            "relations",
            columns=(
                C("source", "ref", ref=("actors", "actor_id")),
                C("target", "ref", ref=("actors", "actor_id")),
                enum("relation_type", "relation_type"),
                score("intensity", 1, 3),
                opt("formal", "bool"),
                opt("survey_round", "integer", minimum=1),
                opt("submission_uuid", "text"),
            ),
        ),
        Sheet(
            "swot",
            id_column="swot_id",
            columns=(
                enum("category", "swot_category"),
                C("statement", "text"),
                enum("theme", "theme"),
                opt("votes", "integer", minimum=0),
                opt("swot_id", "id"),
            ),
        ),
        Sheet(
            "services",
            columns=(
                C("provider", "ref", ref=("actors", "actor_id")),
                C("service", "text"),
                C("users", "integer", minimum=0),
                C("satisfaction", "number", minimum=1, maximum=5),
                opt("cost_recovery", "share"),
            ),
        ),
        Sheet(
            "narratives",
            id_column="section",
            columns=(Column("section", "enum", enum="narrative_section"), C("text", "text")),
        ),
        # Steps 3 and 4: vision, action plan, implementation
        Sheet("vision", columns=(C("statement", "text"), score("horizon_years", 1, 30))),
        Sheet(
            "objectives",
            id_column="objective_id",
            columns=(C("objective_id", "id"), C("statement", "text"), opt("gender_objective", "bool")),
        ),
        Sheet(
            "actions",
            id_column="action_id",
            columns=(
                C("action_id", "id"),
                C("objective_id", "ref", ref=("objectives", "objective_id")),
                C("title", "text"),
                enum("kind", "action_kind"),
                enum("domain", "domain"),
                enum("scope", "scope"),
                C("lead", "text"),
                opt("partners", "text"),
                C("start", "date"),
                C("end", "date"),
                C("budget", "number", minimum=0),
                opt("cofinancing_rate", "share"),
                score("impact", 1, 5),
                score("feasibility", 1, 5),
                enum("status", "status"),
                opt("spent", "number", minimum=0),
                opt("plan_year", "integer", minimum=1),
                opt("swot_refs", "text"),
                opt("status_note", "text"),
            ),
        ),
        # Step 5: monitoring and evaluation
        Sheet(
            "indicators",
            id_column="indicator_id",
            columns=(
                C("indicator_id", "id"),
                C("name", "text"),
                enum("level", "indicator_level"),
                enum("dimension", "dimension"),
                enum("battery", "battery"),
                C("unit", "text"),
                opt("baseline", "number"),
                opt("baseline_date", "date"),
                C("target", "number"),
                C("target_date", "date"),
                opt("source", "text"),
                opt("frequency", "text"),
                opt("responsible", "text"),
                opt("disaggregation", "text"),
                Column("action_id", "ref", required=False, ref=("actions", "action_id")),
                opt("catalogue_key", "text"),
            ),
        ),
        Sheet(
            "measurements",
            columns=(
                C("indicator_id", "ref", ref=("indicators", "indicator_id")),
                C("date", "date"),
                C("value", "number"),
                opt("group", "text"),
                opt("note", "text"),
            ),
        ),
        # Facilitator competency profile
        Sheet(
            "competencies",
            columns=(
                C("person", "text"),
                C("date", "date"),
                enum("assessor", "assessor"),
                enum("competency", "competency"),
                enum("skill", "skill"),
                score("score", 1, 5),
                opt("evidence", "text"),
            ),
        ),
    )
}

# The sheets each step needs (an error when missing) and those it uses when present.
STEP_SHEETS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "selection": (("candidates", "criteria"), ("employment",)),
    "diagnostic": (("enterprises",), ("actors", "relations", "swot", "services", "narratives")),
    "plan": (("objectives", "actions"), ("vision", "swot", "actors")),
    "implementation": (("actions",), ("objectives", "actors")),
    "monitoring": (("indicators", "measurements"), ("actions", "enterprises", "relations")),
    "competency": (("competencies",), ()),
}
STEPS = tuple(STEP_SHEETS)
