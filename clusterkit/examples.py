"""Seeded example workbooks: the fictional teaching cluster and large synthetic ones.

`build_example` returns the worked example that the templates and the book run on: the
fictional leather and footwear cluster of Tamsa, filling every sheet of the workbook
contract with canonical English keys and enumeration values, French user data (names,
statements, prose; in English with ``lang="en"``, see `examples_english`) and magnitudes taken from the cases of the source documents (mostly
micro and small firms, a few lead firms of 80 to 250 employees, owner strata in the
manner of the Chanderi diagnostic).

`build_synthetic` returns large random workbooks with the same columns and consistency
rules, built with vectorised numpy, for benchmarks.

Both are pure: a seed in, a dict of DataFrames out; nothing is written to disk. Each sheet
draws from its own random stream, derived from the seed and the sheet name, so that a sheet
does not change when another one is edited or left out.
"""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd

from . import i18n
from .examples_english import in_english
from .schema import ENUMS, SKILL_COMPETENCY

# The twelve sub-skills of the facilitator competency profile (D000 §3.4), by competency.
SKILLS = {c: tuple(s for s, owner in SKILL_COMPETENCY.items() if owner == c) for c in ENUMS["competency"]}

_SHEETS = (
    "cluster",
    "employment",
    "candidates",
    "criteria",
    "enterprises",
    "actors",
    "relations",
    "swot",
    "services",
    "vision",
    "objectives",
    "actions",
    "indicators",
    "measurements",
    "competencies",
    "narratives",
)

# Canonical enumeration values of the contract, used to draw synthetic data.
_ROLES = ENUMS["role"]
_INSTITUTION_TYPES = tuple(t for t in ENUMS["actor_type"] if t != "enterprise")
_RELATION_TYPES = ENUMS["relation_type"]
_SWOT_CATEGORIES = ENUMS["swot_category"]
_THEMES = ENUMS["theme"]
_DOMAINS = ENUMS["domain"]
_LEVELS = ENUMS["indicator_level"]
_DIMENSIONS = ENUMS["dimension"]
_BATTERIES = ENUMS["battery"]
_ASSESSORS = ENUMS["assessor"]
_FILLED_SECTIONS = ("context", "history", "system", "social")

# The example is a snapshot taken after two years of the action plan.
_AS_OF = pd.Timestamp("2026-12-31")
_BASELINE_DATE = pd.Timestamp("2024-12-31")
_TARGET_DATE = pd.Timestamp("2028-12-31")


def _rng(seed: int, sheet: str) -> np.random.Generator:
    """One independent random stream per sheet."""
    return np.random.default_rng([seed, zlib.crc32(sheet.encode())])


def _month_span(start: str, months: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of a span of whole months starting at 'YYYY-MM'."""
    first = pd.Timestamp(f"{start}-01")
    return first, first + pd.DateOffset(months=months) - pd.Timedelta(days=1)


# ---------------------------------------------------------------------------------------
# The fictional example: cluster du cuir et de la chaussure de Tamsa
# ---------------------------------------------------------------------------------------

_FACILITATORS = ("Nadia Benslimane", "Thomas Mérel", "Aïssatou Diallo")

_CLUSTER = (
    ("name", "Cluster du cuir et de la chaussure de Tamsa (fictif)"),
    ("country", "République de Kelora (fictive)"),
    ("region", "Tamsa"),
    ("sector", "Cuir et chaussure"),
    ("orientation", "pro_poor"),
    ("language", "fr"),
    ("currency", "EUR"),
    ("facilitator", _FACILITATORS[0]),
    ("start_date", pd.Timestamp("2024-09-01")),
    ("status_date", _AS_OF),
    (
        "note",
        "Exemple pédagogique : le cluster, le pays, les entreprises, les personnes et tous "
        "les chiffres sont inventés pour la formation.",
    ),
)

# name, employment in the 16 sectors in 2019, annual growth
_REGIONS = (
    ("Tamsa", 82_000, 0.010),
    ("Port-Aubrac", 310_000, 0.025),
    ("Ardoun", 140_000, -0.005),
    ("Belkane", 95_000, 0.015),
    ("Corvalle", 60_000, 0.005),
    ("Dunémar", 120_000, 0.018),
    ("Estrel", 75_000, -0.015),
    ("Fenoul", 150_000, 0.030),
    ("Garance", 45_000, -0.008),
    ("Hadrim", 70_000, 0.007),
    ("Iskeral", 38_000, -0.012),
    ("Lumesse", 30_000, 0.003),
)

# name, national share of employment, annual growth, average establishment size
_SECTORS = (
    ("Cuir et chaussure", 0.025, 0.005, 6),
    ("Textile et habillement", 0.11, -0.030, 14),
    ("Agroalimentaire", 0.14, 0.020, 9),
    ("Bois et meubles", 0.05, 0.005, 4),
    ("Métallurgie et travail des métaux", 0.07, -0.010, 8),
    ("Matériaux de construction", 0.06, 0.025, 12),
    ("Chimie et plasturgie", 0.04, 0.010, 20),
    ("Artisanat d'art", 0.02, 0.0, 3),
    ("Pêche et transformation du poisson", 0.03, -0.020, 7),
    ("Réparation automobile", 0.06, 0.010, 3),
    ("Électricité et électronique", 0.03, 0.030, 18),
    ("Imprimerie et édition", 0.02, -0.040, 6),
    ("Tourisme et hôtellerie", 0.09, 0.020, 8),
    ("Commerce de gros", 0.12, 0.015, 7),
    ("Transport et logistique", 0.09, 0.020, 10),
    ("Services informatiques", 0.05, 0.080, 9),
)
_YEARS = tuple(range(2019, 2025))
# The 2020-2021 slump of tourism gives shift-share something to explain.
_SHOCKS = {("Tourisme et hôtellerie", 2020): 0.65, ("Tourisme et hôtellerie", 2021): 0.85}

# Candidate clusters: (region, sector) -> location-quotient factor and extra growth, then
# the survey-based criterion values.
_CANDIDATES = (
    # id, name, region, sector, factor, extra growth, export, women, micro, association, environment
    ("C1", "Cuir et chaussure de Tamsa", "Tamsa", "Cuir et chaussure", 4.5, 0.035, 0.18, 0.46, 0.78, 3.5, 4.5),
    (
        "C2",
        "Textile et habillement d'Ardoun",
        "Ardoun",
        "Textile et habillement",
        2.2,
        -0.010,
        0.35,
        0.64,
        0.55,
        3.0,
        3.0,
    ),
    ("C3", "Agroalimentaire de Belkane", "Belkane", "Agroalimentaire", 1.8, 0.010, 0.12, 0.52, 0.60, 3.0, 2.5),
    ("C4", "Bois et meubles de Corvalle", "Corvalle", "Bois et meubles", 2.5, 0.0, 0.05, 0.12, 0.85, 1.5, 2.0),
    ("C5", "Artisanat d'art de Lumesse", "Lumesse", "Artisanat d'art", 1.2, 0.0, 0.22, 0.58, 0.92, 4.0, 1.5),
    ("C6", "Métallurgie d'Estrel", "Estrel", "Métallurgie et travail des métaux", 2.0, 0.0, 0.08, 0.09, 0.40, 2.5, 4.0),
    (
        "C7",
        "Matériaux de construction de Hadrim",
        "Hadrim",
        "Matériaux de construction",
        1.6,
        0.010,
        0.03,
        0.10,
        0.35,
        2.5,
        4.0,
    ),
    (
        "C8",
        "Services informatiques de Fenoul",
        "Fenoul",
        "Services informatiques",
        1.7,
        0.030,
        0.25,
        0.31,
        0.50,
        3.5,
        1.0,
    ),
)

_CRITERIA = (
    # criterion, label, weight, direction, min_threshold, group
    ("employment", "Emplois dans le secteur et la région (2024)", 2.0, "higher_better", 1000.0, "economic"),
    ("employment_growth", "Croissance annuelle de l'emploi 2019-2024", 1.0, "higher_better", np.nan, "economic"),
    ("export_share", "Part des ventes exportées", 1.0, "higher_better", np.nan, "economic"),
    ("women_share", "Part des femmes dans l'emploi", 1.5, "higher_better", np.nan, "pro_poor"),
    ("micro_firm_share", "Part des micro-entreprises", 1.0, "higher_better", np.nan, "pro_poor"),
    (
        "association_strength",
        "Dynamisme des associations professionnelles (note 1-5)",
        1.5,
        "higher_better",
        2.0,
        "institutional",
    ),
    ("environmental_pressure", "Pression sur l'environnement (note 1-5)", 1.0, "lower_better", np.nan, "environment"),
)

# Role profiles of the surveyed firms. Sizes, women's shares and export shares are in the
# ranges of the source cases: micro and small firms around a few lead firms.
_ROLE_PROFILES = {
    "lead_firm": dict(
        count=4,
        size=(80, 250),
        women=0.50,
        female_owner=0.25,
        turnover_per_job=38_000,
        exporter=1.0,
        export_mean=0.45,
        member=1.0,
        founded=(1972, 1995),
        kinds=(("Manufacture", "chaussures de ville"), ("Chaussures", "chaussures de sécurité")),
    ),
    "producer": dict(
        count=38,
        size=(1, 50),
        median=6,
        women=0.42,
        female_owner=0.20,
        turnover_per_job=14_000,
        exporter=0.15,
        export_mean=0.12,
        member=0.40,
        founded=(1980, 2022),
        kinds=(
            ("Atelier", "chaussures de ville"),
            ("Chausserie", "sandales et babouches"),
            ("Maroquinerie", "sacs et ceintures"),
        ),
    ),
    "supplier": dict(
        count=10,
        size=(2, 50),
        median=12,
        women=0.22,
        female_owner=0.10,
        turnover_per_job=30_000,
        exporter=0.20,
        export_mean=0.10,
        member=0.30,
        founded=(1970, 2018),
        kinds=(
            ("Tannerie", "cuir tanné"),
            ("Semelles", "semelles en caoutchouc"),
            ("Accessoires", "boucles et œillets"),
        ),
    ),
    "subcontractor": dict(
        count=10,
        size=(1, 25),
        median=4,
        women=0.75,
        female_owner=0.50,
        turnover_per_job=8_000,
        exporter=0.0,
        export_mean=0.0,
        member=0.20,
        founded=(1995, 2023),
        kinds=(("Piqûre", "piqûre de tiges"), ("Atelier de montage", "montage à façon")),
    ),
    "service_provider": dict(
        count=5,
        size=(1, 20),
        median=4,
        women=0.30,
        female_owner=0.20,
        turnover_per_job=18_000,
        exporter=0.0,
        export_mean=0.0,
        member=0.20,
        founded=(2000, 2022),
        kinds=(
            ("Maintenance", "réparation de machines"),
            ("Transports", "transport de marchandises"),
            ("Patronage", "patrons et gradation"),
        ),
    ),
    "trader": dict(
        count=5,
        size=(1, 15),
        median=3,
        women=0.30,
        female_owner=0.20,
        turnover_per_job=40_000,
        exporter=0.6,
        export_mean=0.20,
        member=0.20,
        founded=(1985, 2020),
        kinds=(("Négoce", "négoce de chaussures"), ("Comptoir", "négoce de cuir")),
    ),
}

_SURNAMES = (
    "Benali",
    "Durand",
    "Ndiaye",
    "Haddad",
    "Morel",
    "Traoré",
    "Lefèvre",
    "Mansouri",
    "Garnier",
    "Diop",
    "Chevalier",
    "Benkirane",
    "Roux",
    "Kouassi",
    "Fontaine",
    "Zerrouki",
    "Mercier",
    "Sow",
    "Blanchard",
    "Amrani",
    "Girard",
    "Kaboré",
    "Lambert",
    "Cherif",
    "Bonnet",
    "Ouedraogo",
    "Faure",
    "Belkacem",
    "Rousseau",
    "Camara",
    "Vidal",
    "Toumi",
    "Perrin",
    "Sylla",
    "Marchand",
    "Hamdi",
    "Dupuis",
    "Keita",
    "Leclerc",
    "Brahimi",
    "Gauthier",
    "Fofana",
    "Renaud",
    "Saidi",
    "Barbier",
    "Coulibaly",
    "Arnaud",
    "Djebbar",
    "Lemoine",
    "Sangaré",
    "Caron",
    "Mekki",
    "Picard",
    "Bamba",
    "Huet",
    "Yacoubi",
    "Colin",
    "Konaté",
    "Guérin",
    "Rahmani",
    "Boyer",
    "Touré",
    "Masson",
    "Ziani",
    "Aubert",
    "Dembélé",
    "Moulin",
    "Lahlou",
    "Royer",
    "Cissé",
    "Noël",
    "Bouzid",
    "Carpentier",
    "Kane",
    "Poirier",
    "Sidibé",
    "Meunier",
    "Fassi",
    "Leroy",
    "Tall",
)

# How many surveyed firms of each role are also actors of the cluster map.
_FIRM_ACTORS = {"lead_firm": 4, "producer": 8, "supplier": 6, "subcontractor": 4, "trader": 2}

_INSTITUTIONS = (
    ("A01", "Association des artisans chausseurs de Tamsa", "association", "meso"),
    ("A02", "Groupement des tanneurs de Tamsa", "association", "meso"),
    ("A03", "Chambre de commerce et d'industrie de Tamsa", "association", "meso"),
    ("A04", "Commune de Tamsa", "public_institution", "meso"),
    ("A05", "Direction régionale de l'industrie", "public_institution", "meso"),
    ("A06", "Ministère de l'Industrie et de l'Artisanat", "public_institution", "macro"),
    ("A07", "Agence nationale de promotion des exportations", "public_institution", "macro"),
    ("A08", "Centre technique du cuir et de la chaussure", "bds_provider", "meso"),
    ("A09", "Cabinet Gestion Plus", "bds_provider", "meso"),
    ("A10", "Atelier Forme, bureau de design", "bds_provider", "micro"),
    ("A11", "Banque populaire de Tamsa", "financial_institution", "meso"),
    ("A12", "Caisse de microfinance Tamsa Solidaire", "financial_institution", "meso"),
    ("A13", "Fonds national de garantie des PME", "financial_institution", "macro"),
    ("A14", "Centre de formation professionnelle aux métiers du cuir", "training_research", "meso"),
    ("A15", "Université de Kelora, laboratoire de chimie appliquée", "training_research", "macro"),
    ("A16", "Lycée technique de Tamsa", "training_research", "meso"),
    ("A17", "Grands Magasins Orbelle", "buyer", "micro"),
    ("A18", "Ventoux Import", "buyer", "micro"),
    ("A19", "Femmes et Métiers (ONG)", "ngo", "meso"),
    ("A20", "Tamsa Environnement (ONG)", "ngo", "meso"),
    ("A21", "Structure d'animation du cluster", "other", "meso"),
    ("A22", "Programme international d'appui aux clusters", "other", "macro"),
)

# Ties among institutions (source, target, relation_type, intensity, formal), round 1.
_INSTITUTION_TIES = (
    ("A04", "A05", "information", 2, False),
    ("A05", "A06", "governance", 2, True),
    ("A06", "A07", "information", 1, False),
    ("A21", "A01", "information", 2, False),
    ("A21", "A04", "governance", 2, True),
    ("A13", "A11", "finance", 2, True),
    ("A22", "A21", "finance", 3, True),
    ("A16", "A14", "information", 1, False),
    ("A03", "A01", "information", 1, False),
)

_SWOT = (
    ("strength", "production", "Savoir-faire ancien des artisans dans la coupe et le montage"),
    ("strength", "production", "Tanneries locales qui livrent le cuir à deux pas des ateliers"),
    ("strength", "skills", "Main-d'œuvre nombreuse et déjà formée à la piqûre"),
    ("strength", "marketing", "Réputation de solidité des chaussures de Tamsa dans le pays"),
    ("strength", "institutions", "Centre technique et centre de formation implantés dans la ville"),
    ("weakness", "production", "Machines anciennes et entretien irrégulier dans la plupart des ateliers"),
    ("weakness", "marketing", "Collections rarement renouvelées et absence des salons"),
    ("weakness", "finance", "Crédit bancaire presque inaccessible aux petits ateliers, faute de garanties"),
    ("weakness", "governance", "Association professionnelle peu représentative et sans ressources propres"),
    ("weakness", "governance", "Méfiance entre fabricants, qui se copient les modèles"),
    ("weakness", "social", "Piqueuses à domicile payées à la pièce, sans contrat ni protection sociale"),
    ("weakness", "environment", "Eaux usées des tanneries rejetées sans traitement dans l'oued"),
    ("weakness", "environment", "Chutes de cuir brûlées à l'air libre"),
    ("weakness", "skills", "Trop peu de modélistes capables de dessiner et de grader des patrons"),
    ("opportunity", "marketing", "Demande croissante des pays voisins pour des chaussures de milieu de gamme"),
    ("opportunity", "marketing", "Acheteurs européens en quête de fournisseurs plus proches"),
    ("opportunity", "finance", "Nouveau fonds national de garantie pour les PME"),
    ("opportunity", "institutions", "Programme public d'appui aux clusters lancé par le ministère"),
    ("opportunity", "social", "ONG régionale active auprès des artisanes"),
    ("opportunity", "skills", "Lycée technique prêt à ouvrir une section cuir"),
    ("threat", "marketing", "Chaussures importées à très bas prix"),
    ("threat", "production", "Hausse du prix des peaux brutes, de plus en plus exportées"),
    ("threat", "environment", "Normes environnementales plus strictes chez les acheteurs et dans la loi"),
    ("threat", "finance", "Taux d'intérêt élevés des banques commerciales"),
    ("threat", "social", "Départ des jeunes vers la capitale et l'étranger"),
)

_SERVICES = (
    # provider, service, users, satisfaction, cost_recovery
    ("A08", "Essais de laboratoire sur le cuir", 14, 3.9, 0.35),
    ("A08", "Conception assistée par ordinateur de modèles", 6, 4.2, 0.20),
    ("A09", "Conseil en gestion et comptabilité", 11, 2.4, 0.60),
    ("A10", "Création de collections", 3, 4.5, 0.50),
    ("A14", "Formation à la piqûre et au montage", 38, 3.6, 0.10),
    ("A11", "Crédit d'investissement aux PME", 5, 2.1, 1.00),
    ("A12", "Microcrédit pour artisanes", 27, 3.8, 0.90),
    ("A01", "Information sur les salons et les appels d'offres", 22, 2.9, np.nan),
    ("A07", "Accompagnement aux salons internationaux", 4, 1.8, 0.25),
    ("A15", "Analyse des effluents de tannerie", 2, 3.0, 0.50),
)

_VISION = (
    "En 2028, les entreprises de Tamsa vendent sous une marque commune dans trois pays voisins, "
    "les tanneries traitent leurs eaux usées et les artisanes comme les artisans précaires "
    "tirent de leur travail un revenu plus élevé et plus régulier.",
    4,
)

_OBJECTIVES = (
    ("O1", "Accroître les ventes du cluster sur les marchés national et régional", False),
    ("O2", "Améliorer la qualité des produits et la productivité des ateliers", False),
    ("O3", "Renforcer la gouvernance collective et la confiance entre les acteurs", False),
    ("O4", "Améliorer les revenus et les conditions de travail des femmes du cluster", True),
    ("O5", "Réduire l'impact des tanneries sur l'environnement", False),
    ("O6", "Faciliter l'accès des petites entreprises au financement", False),
)

# Lead and partners are actor ids ("E.." are surveyed firms that are actors, by role rank:
# E01-E04 are the lead firms). Dates are a start month and a duration in months.
_ACTIONS = (
    # id, objective, title, kind, domain, scope, lead, partners, plan_year, start, months,
    # budget (EUR), impact, feasibility, status
    (
        "ACT01",
        "O3",
        "Réunions mensuelles du comité de pilotage et lettre d'information",
        "quick_win",
        "information",
        "whole_cluster",
        "A21",
        "A01;A03",
        1,
        "2025-02",
        46,
        40_000,
        3,
        5,
        "ongoing",
    ),
    (
        "ACT02",
        "O1",
        "Stand commun au salon national de la chaussure",
        "quick_win",
        "commercial",
        "firm_group",
        "E01",
        "A01;A07",
        1,
        "2025-03",
        5,
        24_000,
        4,
        5,
        "done",
    ),
    (
        "ACT03",
        "O1",
        "Marque collective « Tamsa Cuir » et charte de qualité",
        "structuring",
        "commercial",
        "whole_cluster",
        "A01",
        "A08;A10",
        1,
        "2025-06",
        24,
        120_000,
        5,
        3,
        "ongoing",
    ),
    (
        "ACT04",
        "O2",
        "Achats groupés de cuir et de semelles",
        "quick_win",
        "procurement",
        "firm_group",
        "A01",
        "A02",
        1,
        "2025-04",
        6,
        8_000,
        4,
        4,
        "done",
    ),
    (
        "ACT05",
        "O2",
        "Formation de 120 ouvrières et ouvriers à la piqûre et au montage",
        "quick_win",
        "human_resources",
        "firm_group",
        "A14",
        "A19",
        1,
        "2025-05",
        8,
        36_000,
        4,
        5,
        "done",
    ),
    (
        "ACT06",
        "O2",
        "Centre de conception assistée par ordinateur partagé",
        "structuring",
        "innovation",
        "whole_cluster",
        "A08",
        "A10;A06",
        1,
        "2025-09",
        18,
        210_000,
        4,
        3,
        "ongoing",
    ),
    (
        "ACT07",
        "O6",
        "Caisse de caution mutuelle des artisans",
        "structuring",
        "finance",
        "whole_cluster",
        "A12",
        "A13;A01",
        1,
        "2025-07",
        20,
        150_000,
        5,
        3,
        "ongoing",
    ),
    (
        "ACT08",
        "O6",
        "Appui au montage des dossiers de crédit",
        "quick_win",
        "finance",
        "firm_group",
        "A09",
        "A11",
        1,
        "2025-03",
        6,
        12_000,
        3,
        5,
        "done",
    ),
    (
        "ACT09",
        "O5",
        "Audit environnemental des tanneries",
        "quick_win",
        "environment",
        "firm_group",
        "A15",
        "A02;A20",
        1,
        "2025-04",
        5,
        15_000,
        3,
        4,
        "done",
    ),
    (
        "ACT10",
        "O5",
        "Station collective de prétraitement des effluents",
        "structuring",
        "infrastructure",
        "whole_cluster",
        "A04",
        "A02;A06;A22",
        2,
        "2026-03",
        30,
        380_000,
        5,
        2,
        "ongoing",
    ),
    (
        "ACT11",
        "O4",
        "Groupe d'épargne et de crédit des piqueuses à domicile",
        "quick_win",
        "finance",
        "firm_group",
        "A19",
        "A12",
        1,
        "2025-05",
        8,
        9_000,
        4,
        4,
        "done",
    ),
    (
        "ACT12",
        "O4",
        "Garde d'enfants et horaires adaptés pendant les formations",
        "quick_win",
        "human_resources",
        "firm_group",
        "A19",
        "A14;A04",
        2,
        "2026-02",
        10,
        14_000,
        3,
        4,
        "done",
    ),
    (
        "ACT13",
        "O1",
        "Consortium d'exportation de quatre fabricants",
        "structuring",
        "international",
        "firm_group",
        "E02",
        "A07;A09",
        2,
        "2026-01",
        24,
        95_000,
        4,
        3,
        "ongoing",
    ),
    (
        "ACT14",
        "O1",
        "Accueil d'acheteurs étrangers pendant la foire annuelle",
        "quick_win",
        "commercial",
        "whole_cluster",
        "A07",
        "A03;A21",
        2,
        "2026-05",
        4,
        20_000,
        3,
        4,
        "done",
    ),
    (
        "ACT15",
        "O1",
        "Mission de prospection commerciale en Europe",
        "quick_win",
        "international",
        "firm_group",
        "A07",
        np.nan,
        2,
        "2026-04",
        3,
        30_000,
        2,
        2,
        "dropped",
    ),
    # Still ongoing after its planned end: a delay for the implementation report.
    (
        "ACT16",
        "O2",
        "Réponse groupée à une commande de chaussures de sécurité",
        "quick_win",
        "production",
        "firm_group",
        "E03",
        "E01",
        2,
        "2026-06",
        5,
        10_000,
        4,
        3,
        "ongoing",
    ),
    # Planned but its start date has passed: another delay.
    (
        "ACT17",
        "O2",
        "Démarche qualité et certification de cinq entreprises",
        "structuring",
        "production",
        "firm_group",
        "A09",
        "A08",
        2,
        "2026-09",
        18,
        85_000,
        4,
        3,
        "planned",
    ),
    (
        "ACT18",
        "O3",
        "Statuts et plan d'affaires de la structure d'animation",
        "structuring",
        "information",
        "whole_cluster",
        "A21",
        "A01;A02;A04",
        2,
        "2026-01",
        12,
        40_000,
        4,
        4,
        "done",
    ),
    (
        "ACT19",
        "O2",
        "Groupement d'employeurs pour les techniciens de maintenance",
        "structuring",
        "human_resources",
        "whole_cluster",
        "A01",
        "A16",
        3,
        "2027-02",
        18,
        70_000,
        3,
        3,
        "planned",
    ),
    (
        "ACT20",
        "O5",
        "Collecte et recyclage des chutes de cuir",
        "structuring",
        "environment",
        "whole_cluster",
        "A20",
        "A02;A04",
        3,
        "2027-04",
        20,
        110_000,
        4,
        3,
        "planned",
    ),
    (
        "ACT21",
        "O1",
        "Boutique vitrine commune dans la capitale",
        "structuring",
        "commercial",
        "whole_cluster",
        "A01",
        "E01;E04",
        3,
        "2027-03",
        12,
        90_000,
        3,
        2,
        "planned",
    ),
    (
        "ACT22",
        "O2",
        "Veille technologique sur les colles sans solvant",
        "quick_win",
        "innovation",
        "firm_group",
        "A08",
        "A15",
        3,
        "2027-01",
        6,
        7_000,
        2,
        5,
        "planned",
    ),
)

_COUNT_UNITS = {"réunions", "personnes", "entreprises", "réseaux", "services", "actions", "emplois", "marchés"}
_WOMEN_SHARE = {"I02": 0.70, "I08": 0.62, "I20": 0.45}  # share of women in disaggregated counts

_INDICATORS = (
    # id, name, level, dimension, battery, unit, baseline, target, action_id, pace, source,
    # responsible. `pace` > 1 runs ahead of plan, < 1 lags behind.
    (
        "I01",
        "Réunions du comité de pilotage tenues",
        "activity",
        "extension",
        "governance",
        "réunions",
        0,
        44,
        "ACT01",
        1.0,
        "Comptes rendus du comité",
        "Structure d'animation",
    ),
    (
        "I02",
        "Personnes formées à la piqûre et au montage",
        "activity",
        "extension",
        "pro_poor",
        "personnes",
        0,
        120,
        "ACT05",
        1.1,
        "Registre des formations",
        "Centre de formation",
    ),
    (
        "I03",
        "Entreprises participant aux achats groupés",
        "activity",
        "extension",
        "joint_action",
        "entreprises",
        0,
        25,
        "ACT04",
        1.2,
        "Bons de commande groupés",
        "Association des artisans",
    ),
    (
        "I04",
        "Dossiers de crédit montés avec appui",
        "activity",
        "extension",
        "competitiveness",
        "entreprises",
        0,
        40,
        "ACT08",
        0.8,
        "Registre du cabinet",
        "Cabinet Gestion Plus",
    ),
    (
        "I05",
        "Entreprises présentes sur le stand commun du salon",
        "activity",
        "extension",
        "joint_action",
        "entreprises",
        0,
        12,
        "ACT02",
        1.0,
        "Liste des exposants",
        "Structure d'animation",
    ),
    (
        "I06",
        "Réseaux d'entreprises actifs",
        "output",
        "extension",
        "network",
        "réseaux",
        1,
        8,
        "ACT13",
        1.0,
        "Suivi de l'animatrice",
        "Structure d'animation",
    ),
    (
        "I07",
        "Nouveaux services du Centre technique du cuir",
        "output",
        "effectiveness",
        "institution",
        "services",
        1,
        5,
        "ACT06",
        0.9,
        "Catalogue du centre",
        "Centre technique",
    ),
    (
        "I08",
        "Membres de la caisse de caution mutuelle",
        "output",
        "extension",
        "pro_poor",
        "personnes",
        0,
        150,
        "ACT07",
        1.0,
        "Registre de la caisse",
        "Caisse Tamsa Solidaire",
    ),
    (
        "I09",
        "Entreprises autorisées à utiliser la marque collective",
        "output",
        "extension",
        "joint_action",
        "entreprises",
        0,
        20,
        "ACT03",
        0.35,
        "Registre de la marque",
        "Association des artisans",
    ),
    (
        "I10",
        "Part des catégories d'acteurs représentées au comité",
        "output",
        "effectiveness",
        "governance",
        "%",
        0.30,
        0.80,
        "ACT18",
        1.0,
        "Comptes rendus du comité",
        "Structure d'animation",
    ),
    # A cost per result: it should fall.
    (
        "I11",
        "Coût moyen par personne formée",
        "output",
        "efficiency",
        "competitiveness",
        "EUR",
        900,
        600,
        "ACT05",
        1.0,
        "Comptabilité du programme",
        "Structure d'animation",
    ),
    (
        "I12",
        "Actions conjointes réalisées",
        "outcome",
        "effectiveness",
        "joint_action",
        "actions",
        0,
        15,
        np.nan,
        1.0,
        "Registre des activités",
        "Structure d'animation",
    ),
    (
        "I13",
        "Densité du réseau de relations du cluster",
        "outcome",
        "effectiveness",
        "network",
        "ratio",
        0.068,
        0.11,
        np.nan,
        0.5,
        "Enquête sur les relations",
        "Structure d'animation",
    ),
    (
        "I14",
        "Part des liens formalisés par un accord écrit",
        "outcome",
        "sustainability",
        "network",
        "%",
        0.36,
        0.55,
        np.nan,
        0.9,
        "Enquête sur les relations",
        "Structure d'animation",
    ),
    (
        "I15",
        "Taux de rebut en production",
        "outcome",
        "effectiveness",
        "competitiveness",
        "%",
        0.12,
        0.06,
        np.nan,
        0.8,
        "Enquête auprès des entreprises",
        "Centre technique",
    ),
    (
        "I16",
        "Part des réunions de gouvernance prévues effectivement tenues",
        "outcome",
        "sustainability",
        "governance",
        "%",
        0.50,
        0.90,
        np.nan,
        1.1,
        "Comptes rendus du comité",
        "Structure d'animation",
    ),
    (
        "I17",
        "Ressources locales mobilisées pour la structure d'animation",
        "outcome",
        "sustainability",
        "institution",
        "EUR",
        0,
        60_000,
        np.nan,
        0.7,
        "Comptes de la structure d'animation",
        "Structure d'animation",
    ),
    (
        "I18",
        "Satisfaction moyenne des usagers des services",
        "outcome",
        "effectiveness",
        "institution",
        "note 1-5",
        2.9,
        4.0,
        np.nan,
        1.0,
        "Enquête de satisfaction",
        "Structure d'animation",
    ),
    (
        "I19",
        "Chiffre d'affaires à l'exportation des entreprises suivies",
        "impact",
        "effectiveness",
        "competitiveness",
        "EUR",
        3_100_000,
        5_000_000,
        np.nan,
        0.9,
        "Enquête auprès des entreprises",
        "Structure d'animation",
    ),
    (
        "I20",
        "Emplois dans les entreprises suivies",
        "impact",
        "extension",
        "pro_poor",
        "emplois",
        1900,
        2300,
        np.nan,
        1.0,
        "Enquête auprès des entreprises",
        "Structure d'animation",
    ),
    (
        "I21",
        "Revenu mensuel moyen des piqueuses à domicile",
        "impact",
        "effectiveness",
        "pro_poor",
        "EUR par mois",
        95,
        140,
        np.nan,
        0.6,
        "Relevés du groupe d'épargne",
        "Femmes et Métiers",
    ),
    (
        "I22",
        "Part des femmes parmi les propriétaires d'entreprise",
        "impact",
        "extension",
        "pro_poor",
        "%",
        0.15,
        0.25,
        np.nan,
        0.8,
        "Enquête auprès des entreprises",
        "Structure d'animation",
    ),
    # Untreated effluent: it should fall, and lags until the treatment plant works.
    (
        "I23",
        "Eaux usées des tanneries rejetées sans traitement",
        "impact",
        "sustainability",
        "pro_poor",
        "m³ par mois",
        4200,
        1500,
        np.nan,
        0.2,
        "Relevés de la commune",
        "Commune de Tamsa",
    ),
    (
        "I24",
        "Nouveaux marchés desservis",
        "impact",
        "effectiveness",
        "competitiveness",
        "marchés",
        0,
        4,
        np.nan,
        1.2,
        "Enquête auprès des entreprises",
        "Structure d'animation",
    ),
)

# The built-in catalogue entry each indicator measures (clusterkit/catalogues/indicators.yaml).
# Activity counts, the cost per trainee and the scrap rate have no entry in the source lists;
# I08 (members, a count) and I23 (effluent volume) measure their items otherwise than the
# catalogue's shares, so they keep their own definitions.
_CATALOGUE_KEYS = {
    "I03": "ja_purchasing_selling_centre",
    "I05": "ja_trade_fairs",
    "I06": "networks_established",
    "I07": "institution_new_services",
    "I09": "ja_collective_brand",
    "I10": "governance_representativeness",
    "I12": "joint_actions_implemented",
    "I13": "sus_network_density",
    "I14": "sus_formal_relation_share",
    "I16": "governance_meeting_regularity",
    "I17": "sus_local_resources",
    "I18": "bds_satisfaction",
    "I19": "sales_exports",
    "I20": "job_creation",
    "I21": "income_poor",
    "I22": "women_owned_firm_share",
    "I24": "new_markets",
}

_NOTES = {
    ("I20", "2026-06-30"): "Enquête sur un échantillon de 40 entreprises",
    ("I21", "2025-12-31"): "Relevé auprès de 31 membres du groupe d'épargne",
    ("I23", "2026-12-31"): "Station de prétraitement en construction",
}

_COMPETENCY_DATES = (pd.Timestamp("2025-01-15"), pd.Timestamp("2026-11-30"))
_EVIDENCE = {
    "facilitator": "Observation d'une réunion du comité de pilotage",
    "coach": "Revue d'un autodiagnostic mené avec un groupe d'entreprises",
    "project_manager": "Revue d'un dossier de financement et du tableau de suivi",
}

_NARRATIVES = {
    "context": (
        "Tamsa est une ville moyenne de l'intérieur de la République de Kelora, à trois heures "
        "de route de la capitale. Le travail du cuir y fait vivre plusieurs milliers de "
        "personnes, des tanneries aux ateliers de piqûre installés dans les maisons. Les "
        "fabricants vendent surtout dans le pays, où les chaussures importées gagnent du "
        "terrain ; quelques entreprises exportent vers les pays voisins."
    ),
    "history": (
        "Les premières tanneries modernes de Tamsa ont ouvert dans les années 1970, sur un "
        "savoir-faire artisanal bien plus ancien. L'ouverture aux importations, au début des "
        "années 2000, a fait fermer une partie des ateliers, tandis que les plus solides se "
        "tournaient vers la chaussure de ville et la sous-traitance pour des marques "
        "étrangères. L'association des artisans, créée en 2012, reste peu active faute de "
        "moyens."
    ),
    "system": (
        "Le cluster réunit des tanneries, des fabricants de chaussures et de maroquinerie, des "
        "sous-traitants de la piqûre et du montage, des fournisseurs de semelles et "
        "d'accessoires, ainsi que des négociants. Quatre entreprises de 80 à 250 salariés "
        "structurent la filière ; la plupart des autres comptent moins de dix personnes. Un "
        "centre technique, un centre de formation et deux institutions financières forment "
        "l'essentiel de l'environnement d'appui."
    ),
    "social": (
        "Les femmes assurent l'essentiel de la piqûre, souvent à domicile et à la pièce, sans "
        "contrat ni protection sociale. Les artisans précaires dépendent des négociants qui "
        "leur avancent le cuir et fixent les prix, ce qui réduit leur marge et leur capacité "
        "d'investir. Pendant la haute saison, les journées de travail dépassent souvent dix "
        "heures."
    ),
}


def build_example(seed: int = 2026, lang: str = "fr") -> dict[str, pd.DataFrame]:
    """The fictional Tamsa leather and footwear cluster, one DataFrame per sheet.

    Same seed, identical frames. Sizes, references and ranges follow the workbook contract
    (checked by tests/test_examples.py); `narratives` fills four of the seven report sections.
    ``lang="en"`` gives the same cluster with the team's texts in English (same numbers).
    """
    employment = _example_employment(_rng(seed, "employment"))
    enterprises = _example_enterprises(_rng(seed, "enterprises"))
    actors = _example_actors(_rng(seed, "actors"), enterprises)
    swot = _example_swot(_rng(seed, "swot"))
    actions = _example_actions(_rng(seed, "actions"))
    actions["swot_refs"] = _swot_refs(actions, swot)
    actions["status_note"] = actions["action_id"].map(_STATUS_NOTES)
    indicators = _example_indicators()
    example = {
        "cluster": pd.DataFrame(_CLUSTER, columns=["key", "value"]),
        "employment": employment,
        "candidates": _example_candidates(_rng(seed, "candidates"), employment),
        "criteria": _criteria(),
        "enterprises": enterprises.assign(submission_uuid=None),  # filled by survey imports
        "actors": actors,
        "relations": _example_relations(_rng(seed, "relations"), enterprises, actors).assign(submission_uuid=None),
        "swot": swot,
        "services": _example_services(_rng(seed, "services")),
        "vision": pd.DataFrame([_VISION], columns=["statement", "horizon_years"]),
        "objectives": pd.DataFrame(_OBJECTIVES, columns=["objective_id", "statement", "gender_objective"]),
        "actions": actions,
        # the network indicators' baselines are left to the diagnostic, which computes them
        "indicators": indicators.assign(
            baseline=indicators["baseline"].mask(indicators["indicator_id"].isin(_BASELINES_FROM_DIAGNOSTIC))
        ),
        "measurements": _example_measurements(_rng(seed, "measurements"), indicators, actions),
        "competencies": _example_competencies(_rng(seed, "competencies")),
        "narratives": pd.DataFrame(list(_NARRATIVES.items()), columns=["section", "text"]),
    }
    return in_english(example) if i18n.check_lang(lang) == "en" else example


def _example_employment(rng: np.random.Generator) -> pd.DataFrame:
    regions = [r[0] for r in _REGIONS]
    sectors = [s[0] for s in _SECTORS]
    shares = np.array([s[1] for s in _SECTORS])
    shares = shares / shares.sum()
    size = np.array([r[1] for r in _REGIONS], dtype=float)[:, None] * shares[None, :]
    growth = (
        np.array([r[2] for r in _REGIONS])[:, None]
        + np.array([s[2] for s in _SECTORS])[None, :]
        + rng.normal(0, 0.01, size.shape)
    )
    factor = rng.lognormal(0, 0.25, size.shape)
    # Candidate cells get their designed specialisation, free of noise, so that the
    # selection thresholds and the Tamsa specialisation hold for every seed.
    for cand in _CANDIDATES:
        i, j = regions.index(cand[2]), sectors.index(cand[3])
        factor[i, j] = cand[4]
        growth[i, j] += cand[5]
    years = np.array(_YEARS)
    shock = np.ones((len(sectors), len(years)))
    for (sector, year), value in _SHOCKS.items():
        shock[sectors.index(sector), _YEARS.index(year)] = value
    level = (
        (size * factor)[:, :, None]
        * (1 + growth)[:, :, None] ** (years - years[0])
        * shock[None, :, :]
        * rng.lognormal(0, 0.02, (len(regions), len(sectors), len(years)))
    )
    employment = np.maximum(1, np.round(level)).astype(int)
    avg_size = np.array([s[3] for s in _SECTORS], dtype=float)[None, :, None]
    establishments = np.maximum(1, np.round(employment / avg_size * rng.lognormal(0, 0.1, employment.shape))).astype(
        int
    )
    r, s, y = np.meshgrid(np.arange(len(regions)), np.arange(len(sectors)), years, indexing="ij")
    return pd.DataFrame(
        {
            "region": np.array(regions)[r.ravel()],
            "sector": np.array(sectors)[s.ravel()],
            "year": y.ravel(),
            "employment": employment.ravel(),
            "establishments": establishments.ravel(),
        }
    )


def _example_candidates(rng: np.random.Generator, employment: pd.DataFrame) -> pd.DataFrame:
    """Employment columns come from the mapping data; the others from the field survey."""
    cells = employment.set_index(["region", "sector", "year"])["employment"]
    first, last = _YEARS[0], _YEARS[-1]
    rows = []
    for cid, name, region, sector, _, _, export, women, micro, assoc, env in _CANDIDATES:
        jobs_first, jobs_last = cells[(region, sector, first)], cells[(region, sector, last)]
        jitter = rng.uniform(-0.02, 0.02, 3)
        rows.append(
            {
                "candidate_id": cid,
                "name": name,
                "region": region,
                "sector": sector,
                "employment": int(jobs_last),
                "employment_growth": round((jobs_last / jobs_first) ** (1 / (last - first)) - 1, 4),
                "export_share": round(export + jitter[0], 3),
                "women_share": round(women + jitter[1], 3),
                "micro_firm_share": round(micro + jitter[2], 3),
                "association_strength": assoc,
                "environmental_pressure": env,
            }
        )
    return pd.DataFrame(rows)


def _criteria() -> pd.DataFrame:
    return pd.DataFrame(_CRITERIA, columns=["criterion", "label", "weight", "direction", "min_threshold", "group"])


def _owner_stratum(role: str, employees: int) -> str:
    """Socio-economic category of the owner, as a diagnostic team would note it."""
    if role == "lead_firm":
        return "industriel"
    if role == "trader":
        return "commerçant"
    if employees <= 4:
        return "artisan précaire"
    if employees < 20:
        return "artisan établi"
    return "entrepreneur moyen"


def _example_enterprises(rng: np.random.Generator) -> pd.DataFrame:
    n = sum(p["count"] for p in _ROLE_PROFILES.values())
    surnames = rng.permutation(np.array(_SURNAMES))[:n]
    rows = []
    for role, p in _ROLE_PROFILES.items():
        for _ in range(p["count"]):
            if role == "lead_firm":
                employees = int(rng.integers(p["size"][0], p["size"][1] + 1))
            else:
                drawn = round(p["median"] * rng.lognormal(0, 0.8))
                employees = int(np.clip(drawn, *p["size"]))
            exports = rng.random() < p["exporter"]
            export_share = round(float(np.clip(rng.normal(p["export_mean"], 0.08), 0.01, 0.8)), 2) if exports else 0.0
            if export_share >= 0.25:
                segment = "international"
            elif export_share > 0:
                segment = "regional"
            else:
                segment = str(rng.choice(["local", "national"], p=[0.6, 0.4]))
            prefix, product = p["kinds"][rng.integers(len(p["kinds"]))]
            female = rng.random() < p["female_owner"]
            rows.append(
                {
                    "enterprise_id": f"E{len(rows) + 1:02d}",
                    "name": f"{prefix} {surnames[len(rows)]}",
                    "role": role,
                    "employees": employees,
                    "employees_women": int(rng.binomial(employees, p["women"])),
                    "owner_gender": "mixed" if rng.random() < 0.05 else ("f" if female else "m"),
                    "owner_stratum": _owner_stratum(role, employees),
                    "year_founded": int(rng.integers(p["founded"][0], p["founded"][1] + 1)),
                    "turnover": round(employees * p["turnover_per_job"] * rng.lognormal(0, 0.3), -2),
                    "export_share": export_share,
                    "main_product": product,
                    "market_segment": segment,
                    "association_member": bool(rng.random() < p["member"]),
                }
            )
    return pd.DataFrame(rows)


def _example_actors(rng: np.random.Generator, enterprises: pd.DataFrame) -> pd.DataFrame:
    """Some surveyed firms (keeping their enterprise_id) plus the support institutions."""
    picked = [enterprises[enterprises["role"] == role].sample(k, random_state=rng) for role, k in _FIRM_ACTORS.items()]
    firms = pd.concat(picked).sort_values("enterprise_id")
    firm_actors = pd.DataFrame(
        {"actor_id": firms["enterprise_id"], "name": firms["name"], "type": "enterprise", "level": "micro"}
    )
    institutions = pd.DataFrame(_INSTITUTIONS, columns=["actor_id", "name", "type", "level"])
    return pd.concat([firm_actors, institutions], ignore_index=True)


def _link(rng, sources, targets, k, relation_type, formal_p, intensity=(1, 3)) -> list[tuple]:
    """Ties from each source to k[0]..k[1] distinct other targets."""
    rows = []
    for source in sources:
        pool = [t for t in targets if t != source]
        size = min(len(pool), int(rng.integers(k[0], k[1] + 1)))
        for target in rng.choice(pool, size=size, replace=False):
            rows.append(
                (
                    source,
                    str(target),
                    relation_type,
                    int(rng.integers(intensity[0], intensity[1] + 1)),
                    bool(rng.random() < formal_p),
                )
            )
    return rows


def _pairs(rng, members, n, relation_type, formal_p, intensity=(1, 3)) -> list[tuple]:
    """n undirected ties among members, written with the smaller id as source."""
    rows = []
    for _ in range(n):
        a, b = sorted(rng.choice(members, size=2, replace=False))
        rows.append(
            (
                str(a),
                str(b),
                relation_type,
                int(rng.integers(intensity[0], intensity[1] + 1)),
                bool(rng.random() < formal_p),
            )
        )
    return rows


def _example_relations(rng: np.random.Generator, enterprises: pd.DataFrame, actors: pd.DataFrame) -> pd.DataFrame:
    role = enterprises.set_index("enterprise_id")["role"]
    firm_ids = actors.loc[actors["type"] == "enterprise", "actor_id"].tolist()
    by_role = {r: [a for a in firm_ids if role[a] == r] for r in _ROLES}
    lead, prod, sup, sub, trad = (by_role[r] for r in ("lead_firm", "producer", "supplier", "subcontractor", "trader"))
    makers = lead + prod

    def members(association, candidates, n):
        return [(str(f), association, "governance", 2, True) for f in rng.choice(candidates, n, replace=False)]

    # Institution ids are those of _INSTITUTIONS (A08 the technical centre, A12 microfinance...).
    first = (
        _link(rng, sup, makers, (2, 3), "supply", 0.3)
        + _link(rng, sub, lead, (1, 2), "subcontracting", 0.5)
        + _link(rng, lead, ["A17", "A18"], (1, 1), "supply", 0.8)  # to the buyers
        + [(p, t, rel, i, f) for t, p, rel, i, f in _link(rng, trad, prod, (2, 3), "supply", 0.0)]
        + _link(rng, ["A08"], firm_ids, (3, 4), "service", 0.2)
        + _link(rng, ["A09"], firm_ids, (2, 2), "service", 0.5)
        + _link(rng, ["A11"], lead + sup, (2, 2), "finance", 1.0)
        + _link(rng, ["A12"], prod + sub, (2, 3), "finance", 1.0)
        + _link(rng, ["A14"], firm_ids, (3, 3), "training", 0.0)
        + _link(rng, ["A19"], sub, (2, 2), "training", 0.0)
        + members("A01", prod + sub, 5)
        + members("A02", sup, 3)
        + _pairs(rng, prod, 4, "information", 0.0)
        + _pairs(rng, makers, 2, "joint_action", 0.5, intensity=(2, 3))
        + list(_INSTITUTION_TIES)
    )
    columns = ["source", "target", "relation_type", "intensity", "formal"]
    round1 = pd.DataFrame(first, columns=columns).drop_duplicates(columns[:3])

    # Two years later some ties have lapsed, some have deepened, and the plan's joint
    # actions and services have created new ones.
    kept = round1[rng.random(len(round1)) < 0.88].copy()
    deepened = rng.random(len(kept)) < 0.2
    kept.loc[deepened, "intensity"] = np.minimum(3, kept.loc[deepened, "intensity"] + 1)
    gained = (
        _pairs(rng, makers, 8, "joint_action", 0.5, intensity=(2, 3))
        + _link(rng, ["A21"], firm_ids, (4, 4), "information", 0.0)
        + _link(rng, ["A08"], firm_ids, (3, 3), "service", 0.3)
        + _link(rng, ["A12"], sub, (2, 2), "finance", 1.0)
        + members("A01", prod + sup, 3)
    )
    round2 = pd.concat([kept, pd.DataFrame(gained, columns=columns)]).drop_duplicates(columns[:3])
    return pd.concat([round1.assign(survey_round=1), round2.assign(survey_round=2)], ignore_index=True)


def _example_swot(rng: np.random.Generator) -> pd.DataFrame:
    swot = pd.DataFrame(_SWOT, columns=["category", "theme", "statement"])
    swot["votes"] = rng.integers(0, 15, len(swot))
    swot["swot_id"] = [f"S{i:02d}" for i in range(1, len(swot) + 1)]
    return swot[["category", "statement", "theme", "votes", "swot_id"]]


# The SWOT theme an action's domain answers; social and institutional weaknesses are left
# without an action on purpose, so that the plan's linkage check has something to report.
_DOMAIN_THEME = {
    "commercial": "marketing",
    "international": "marketing",
    "finance": "finance",
    "human_resources": "skills",
    "production": "production",
    "innovation": "production",
    "procurement": "production",
    "infrastructure": "production",
    "environment": "environment",
    "information": "governance",
}


def _swot_refs(actions: pd.DataFrame, swot: pd.DataFrame) -> pd.Series:
    """Each action answers the weaknesses and threats of its domain's theme."""
    problems = swot[swot["category"].isin(["weakness", "threat"])]
    by_theme = problems.groupby("theme")["swot_id"].agg("; ".join)
    return actions["domain"].map(_DOMAIN_THEME).map(by_theme)


def _example_services(rng: np.random.Generator) -> pd.DataFrame:
    services = pd.DataFrame(_SERVICES, columns=["provider", "service", "users", "satisfaction", "cost_recovery"])
    services["users"] = np.maximum(1, np.round(services["users"] * rng.uniform(0.85, 1.15, len(services)))).astype(int)
    services["satisfaction"] = np.clip(np.round(services["satisfaction"] + rng.normal(0, 0.15, len(services)), 1), 1, 5)
    return services


def _elapsed(start: pd.Timestamp, end: pd.Timestamp, at: pd.Timestamp) -> float:
    """Share of the span start..end that has passed at a date, in 0..1."""
    return float(np.clip((at - start) / (end - start), 0, 1))


# Why an action is late or was dropped, as the facilitator records it at the follow-up.
_STATUS_NOTES = {
    "ACT15": "Abandonnée : le salon visé a été annulé et les entreprises ont préféré reporter la mission.",
    "ACT16": "Retard : deux ateliers n'ont pas tenu les délais de livraison ; l'acheteur a accepté un report.",
    "ACT17": "Pas encore démarrée : l'organisme de certification n'a pas encore été choisi.",
}


def _example_actions(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for (
        aid,
        objective,
        title,
        kind,
        domain,
        scope,
        lead,
        partners,
        plan_year,
        start,
        months,
        budget,
        impact,
        feasibility,
        status,
    ) in _ACTIONS:
        first, last = _month_span(start, months)
        budget = round(budget * rng.uniform(0.9, 1.1), -2)
        spent = {
            "done": budget * rng.uniform(0.85, 1.08),
            "ongoing": budget * _elapsed(first, last, _AS_OF) * rng.uniform(0.8, 1.1),
            "dropped": budget * rng.uniform(0.05, 0.2),
            "planned": np.nan,
        }[status]
        # The cost-sharing fund's rate decreases over the plan years.
        cofinancing = round(0.8 - 0.1 * plan_year + rng.uniform(-0.05, 0.05), 2)
        rows.append(
            {
                "action_id": aid,
                "objective_id": objective,
                "title": title,
                "kind": kind,
                "domain": domain,
                "scope": scope,
                "lead": lead,
                "partners": partners.replace(";", "; ") if isinstance(partners, str) else np.nan,
                "start": first,
                "end": last,
                "budget": budget,
                "cofinancing_rate": cofinancing,
                "impact": impact,
                "feasibility": feasibility,
                "status": status,
                "spent": round(spent, -2),
                "plan_year": plan_year,
            }
        )
    return pd.DataFrame(rows)


# Indicators whose baseline the team leaves blank: step 5 fills it from the diagnostic's baseline
# table (network density 0.068 and formal share 0.36 in round 1 of the example's survey).
_BASELINES_FROM_DIAGNOSTIC = ("I13", "I14")


def _example_indicators() -> pd.DataFrame:
    columns = [
        "indicator_id",
        "name",
        "level",
        "dimension",
        "battery",
        "unit",
        "baseline",
        "target",
        "action_id",
        "pace",
        "source",
        "responsible",
    ]
    table = pd.DataFrame(_INDICATORS, columns=columns).drop(columns="pace")
    table["baseline"] = table["baseline"].astype(float)
    table["target"] = table["target"].astype(float)
    table["baseline_date"] = _BASELINE_DATE
    table["target_date"] = _TARGET_DATE
    table["frequency"] = np.where(table["level"] == "activity", "quarterly", "semiannual")
    table["disaggregation"] = pd.Series("sex", index=table.index, dtype="str").where(
        table["indicator_id"].isin(list(_WOMEN_SHARE))
    )
    table["catalogue_key"] = table["indicator_id"].map(_CATALOGUE_KEYS).astype("str")
    return table[
        [
            "indicator_id",
            "name",
            "level",
            "dimension",
            "battery",
            "unit",
            "baseline",
            "baseline_date",
            "target",
            "target_date",
            "source",
            "frequency",
            "responsible",
            "disaggregation",
            "action_id",
            "catalogue_key",
        ]
    ]


def _round_value(unit: str, value: np.ndarray) -> np.ndarray:
    """Round to the unit's precision and keep within its range."""
    if unit in _COUNT_UNITS:
        value = np.maximum(0, np.round(value))
    elif unit == "%":
        value = np.clip(np.round(value, 3), 0, 1)
    elif unit == "note 1-5":
        value = np.clip(np.round(value, 2), 1, 5)
    elif unit == "ratio":
        value = np.maximum(0, np.round(value, 4))
    else:
        value = np.maximum(0, np.round(value))
    return value + 0.0  # turns -0.0 into 0.0


def _example_measurements(rng: np.random.Generator, indicators: pd.DataFrame, actions: pd.DataFrame) -> pd.DataFrame:
    """Rounds up to the snapshot date; progress starts when the linked action starts and is
    due by its end (by the target date for unlinked indicators)."""
    spans = actions.set_index("action_id")[["start", "end"]]
    pace = {row[0]: row[9] for row in _INDICATORS}
    rounds = {
        "quarterly": pd.date_range(_BASELINE_DATE, _AS_OF, freq="QE")[1:],
        "semiannual": pd.date_range(_BASELINE_DATE, _AS_OF, freq="6ME")[1:],
    }
    frames = []
    for ind in indicators.itertuples(index=False):
        dates = rounds[ind.frequency]
        start, end = ind.baseline_date, ind.target_date
        if isinstance(ind.action_id, str):
            start = max(start, spans.at[ind.action_id, "start"])
            end = spans.at[ind.action_id, "end"]
        done = np.array([_elapsed(start, end, d) for d in dates])
        change = ind.target - ind.baseline
        value = ind.baseline + change * np.minimum(1.15, pace[ind.indicator_id] * done)
        value = _round_value(ind.unit, value + rng.normal(0, 0.04 * abs(change), len(dates)))
        if ind.unit in _COUNT_UNITS and change > 0:
            value = np.maximum.accumulate(value)  # cumulative counts never go down
        frames.append(pd.DataFrame({"indicator_id": ind.indicator_id, "date": dates, "value": value, "group": None}))
        if ind.indicator_id in _WOMEN_SHARE:
            # One share per indicator keeps cumulative counts by sex non-decreasing too.
            women = np.round(value * rng.normal(_WOMEN_SHARE[ind.indicator_id], 0.02))
            frames.append(pd.DataFrame({"indicator_id": ind.indicator_id, "date": dates, "value": women, "group": "f"}))
            frames.append(
                pd.DataFrame({"indicator_id": ind.indicator_id, "date": dates, "value": value - women, "group": "m"})
            )
    measurements = pd.concat(frames, ignore_index=True)
    measurements["group"] = measurements["group"].astype("str")
    keys = zip(measurements["indicator_id"], measurements["date"].dt.strftime("%Y-%m-%d"), measurements["group"].isna())
    measurements["note"] = pd.Series([_NOTES.get((i, d)) if total else None for i, d, total in keys], dtype="str")
    return measurements


def _example_competencies(rng: np.random.Generator) -> pd.DataFrame:
    """Each facilitator is scored by self, peer and trainer at two dates; skills improve in
    between, self-assessment runs a little high and the trainer a little low."""
    bias = {"self": 0.5, "peer": 0.0, "trainer": -0.3}
    rows = []
    for person in _FACILITATORS:
        level = {skill: rng.uniform(1.8, 3.2) for skills in SKILLS.values() for skill in skills}
        gain = {skill: rng.uniform(0.5, 1.5) for skill in level}
        for n, date in enumerate(_COMPETENCY_DATES):
            for assessor in _ASSESSORS:
                for competency, skills in SKILLS.items():
                    for skill in skills:
                        score = level[skill] + n * gain[skill] + bias[assessor] + rng.normal(0, 0.4)
                        evidence = _EVIDENCE[competency] if (assessor == "trainer" and n == 1) else None
                        rows.append(
                            (person, date, assessor, competency, skill, int(np.clip(round(score), 1, 5)), evidence)
                        )
    frame = pd.DataFrame(rows, columns=["person", "date", "assessor", "competency", "skill", "score", "evidence"])
    frame["evidence"] = frame["evidence"].astype("str")
    return frame


# ---------------------------------------------------------------------------------------
# Large synthetic workbooks for benchmarks
# ---------------------------------------------------------------------------------------


def build_synthetic(
    n_firms: int = 100_000,
    n_indicators: int = 200,
    n_rounds: int = 40,
    n_regions: int = 2000,
    n_sectors: int = 300,
    n_years: int = 10,
    n_candidates: int = 500,
    seed: int = 0,
    sheets=None,
    n_institutions: int | None = None,
    n_mapped_firms: int | None = None,
    ties_per_actor: float = 2.0,
) -> dict[str, pd.DataFrame]:
    """A large random workbook with the example's columns and consistency rules.

    `sheets` (an iterable of sheet names) restricts what is built: the employment table has
    n_regions x n_sectors x n_years rows (6 million by default). A sheet is the same whether
    built alone or with others. In `employment`, region and sector are categoricals, which
    keeps the big table cheap to build and hold.

    The map holds the first `n_mapped_firms` firms (all by default) and `n_institutions`
    other actors (one per 20 firms by default); the first survey round draws
    `ties_per_actor` random ties per actor, the second keeps 85 % of them and adds half as
    many new ones as there are actors.
    """
    wanted = _SHEETS if sheets is None else tuple(sheets)
    unknown = sorted(set(wanted) - set(_SHEETS))
    if unknown:
        raise ValueError(f"unknown sheet(s): {', '.join(unknown)}; expected some of {', '.join(_SHEETS)}")
    n_institutions = max(20, n_firms // 20) if n_institutions is None else n_institutions
    mapped = _firm_ids(n_firms)[:n_mapped_firms]  # ids of the firms that are also actors
    n_actions = max(20, n_indicators // 2)

    def rng(name):
        return _rng(seed, name)

    def indicators():
        return _synthetic_indicators(rng("indicators"), n_indicators, n_actions)

    builders = {
        "cluster": lambda: pd.DataFrame(
            [("name", "Cluster synthétique (fictif)"), *_CLUSTER[1:]], columns=["key", "value"]
        ),
        "employment": lambda: _synthetic_employment(rng("employment"), n_regions, n_sectors, n_years),
        "candidates": lambda: _synthetic_candidates(rng("candidates"), n_candidates, n_regions, n_sectors),
        "criteria": _criteria,
        "enterprises": lambda: _synthetic_enterprises(rng("enterprises"), n_firms),
        "actors": lambda: _synthetic_actors(rng("actors"), mapped, n_institutions),
        "relations": lambda: _synthetic_relations(rng("relations"), mapped, n_institutions, ties_per_actor),
        "swot": lambda: _synthetic_swot(rng("swot")),
        "services": lambda: _synthetic_services(rng("services"), n_institutions),
        "vision": lambda: pd.DataFrame([_VISION], columns=["statement", "horizon_years"]),
        "objectives": lambda: pd.DataFrame(
            {
                "objective_id": _ids("O", 10, 2),
                "statement": _ids("Objectif synthétique ", 10, 2),
                "gender_objective": np.arange(10) == 0,
            }
        ),
        "actions": lambda: _synthetic_actions(rng("actions"), n_actions, mapped, n_institutions),
        "indicators": indicators,
        "measurements": lambda: _synthetic_measurements(rng("measurements"), indicators(), n_rounds),
        "competencies": lambda: _synthetic_competencies(rng("competencies"), 30),
        "narratives": lambda: pd.DataFrame(
            {
                "section": list(_FILLED_SECTIONS),
                "text": [
                    f"Texte synthétique pour la section {s}. Il sert aux mesures de performance."
                    for s in _FILLED_SECTIONS
                ],
            }
        ),
    }
    return {name: builders[name]() for name in _SHEETS if name in wanted}


# A large team workbook, the size at which reports were reported slow (issue 13): 5,000 surveyed
# firms, 3,000 actors on the map, about 20,000 relations over two rounds, 200 indicators
# measured 8 times (one in five split by sex), the selection sheets at a regional scale.
LARGE = {
    "n_firms": 5_000,
    "n_mapped_firms": 2_700,
    "n_institutions": 300,
    "ties_per_actor": 3.33,
    "n_indicators": 200,
    "n_rounds": 8,
    "n_regions": 40,
    "n_sectors": 30,
    "n_years": 6,
    "n_candidates": 100,
}


def build_large(seed: int = 0) -> dict[str, pd.DataFrame]:
    """The :data:`LARGE` workbook's sheets (every sheet), seeded."""
    return build_synthetic(**LARGE, seed=seed)


def _ids(prefix: str, n: int, width: int) -> np.ndarray:
    """prefix + zero-padded 1..n, vectorised."""
    return np.char.add(prefix, np.char.zfill(np.arange(1, n + 1).astype(str), width))


def _firm_ids(n_firms: int) -> np.ndarray:
    return _ids("E", n_firms, len(str(n_firms)))


def _actor_ids(firm_ids: np.ndarray, n_institutions: int) -> np.ndarray:
    return np.concatenate([firm_ids, _institution_ids(n_institutions)])


def _institution_ids(n_institutions: int) -> np.ndarray:
    return _ids("A", n_institutions, len(str(n_institutions)))


def _synthetic_employment(rng, n_regions, n_sectors, n_years) -> pd.DataFrame:
    n = n_regions * n_sectors * n_years
    region_size = rng.lognormal(np.log(80_000), 0.8, n_regions)
    sector_share = rng.dirichlet(np.ones(n_sectors))
    growth = rng.normal(0.01, 0.03, (n_regions, n_sectors))
    base = region_size[:, None] * sector_share[None, :] * rng.lognormal(0, 0.4, growth.shape)
    level = (
        base[:, :, None]
        * (1 + growth)[:, :, None] ** np.arange(n_years)
        * rng.lognormal(0, 0.02, (n_regions, n_sectors, n_years))
    )
    employment = np.maximum(1, np.round(level)).astype(np.int64).ravel()
    codes = np.arange(n)
    return pd.DataFrame(
        {
            "region": pd.Categorical.from_codes(codes // (n_sectors * n_years), _ids("Région ", n_regions, 5)),
            "sector": pd.Categorical.from_codes((codes // n_years) % n_sectors, _ids("Secteur ", n_sectors, 4)),
            "year": (2025 - n_years + codes % n_years).astype(np.int64),
            "employment": employment,
            # One average establishment size per region and sector, steady over the years.
            "establishments": np.maximum(
                1, employment // np.repeat(rng.integers(3, 20, n_regions * n_sectors), n_years)
            ),
        }
    )


def _synthetic_candidates(rng, n, n_regions, n_sectors) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "candidate_id": _ids("C", n, len(str(n))),
            "name": _ids("Candidat ", n, len(str(n))),
            "region": _ids("Région ", n_regions, 5)[rng.integers(0, n_regions, n)],
            "sector": _ids("Secteur ", n_sectors, 4)[rng.integers(0, n_sectors, n)],
            "employment": rng.integers(200, 50_000, n),
            "employment_growth": np.round(rng.normal(0.01, 0.04, n), 4),
            "export_share": np.round(rng.uniform(0, 0.8, n), 3),
            "women_share": np.round(rng.uniform(0.05, 0.8, n), 3),
            "micro_firm_share": np.round(rng.uniform(0.2, 0.95, n), 3),
            "association_strength": rng.integers(2, 11, n) / 2,
            "environmental_pressure": rng.integers(2, 11, n) / 2,
        }
    )


def _synthetic_enterprises(rng, n) -> pd.DataFrame:
    role = rng.choice(len(_ROLES), n, p=[0.05, 0.5, 0.15, 0.15, 0.07, 0.08])
    lead = role == 0
    employees = np.where(lead, rng.integers(80, 251, n), np.clip(np.round(6 * rng.lognormal(0, 0.8, n)), 1, 50)).astype(
        np.int64
    )
    women_share = np.array([0.5, 0.42, 0.22, 0.75, 0.3, 0.3])[role]
    exporter = rng.random(n) < np.where(lead, 1.0, 0.15)
    export_share = np.where(exporter, np.round(rng.uniform(0.01, 0.8, n), 2), 0.0)
    segment = np.where(
        export_share >= 0.25,
        "international",
        np.where(export_share > 0, "regional", np.where(rng.random(n) < 0.6, "local", "national")),
    )
    stratum = np.select(
        [lead, employees <= 4, employees < 20],
        ["industriel", "artisan précaire", "artisan établi"],
        "entrepreneur moyen",
    )
    ids = _firm_ids(n)
    return pd.DataFrame(
        {
            "enterprise_id": ids,
            "name": np.char.add("Entreprise ", ids),
            "role": np.array(_ROLES)[role],
            "employees": employees,
            "employees_women": rng.binomial(employees, women_share),
            "owner_gender": rng.choice(["f", "m", "mixed"], n, p=[0.25, 0.7, 0.05]),
            "owner_stratum": stratum,
            "year_founded": rng.integers(1970, 2025, n),
            "turnover": np.round(employees * 15_000 * rng.lognormal(0, 0.4, n), -2),
            "export_share": export_share,
            "main_product": rng.choice(["chaussures", "maroquinerie", "cuir tanné", "semelles"], n),
            "market_segment": segment,
            "association_member": rng.random(n) < 0.35,
        }
    )


def _synthetic_actors(rng, firm_ids, n_institutions) -> pd.DataFrame:
    """The firms on the map (same id and name), plus the institutions."""
    n_firms = firm_ids.size
    inst_ids = _institution_ids(n_institutions)
    return pd.DataFrame(
        {
            "actor_id": np.concatenate([firm_ids, inst_ids]),
            "name": np.concatenate([np.char.add("Entreprise ", firm_ids), np.char.add("Institution ", inst_ids)]),
            "type": np.concatenate([np.full(n_firms, "enterprise"), rng.choice(_INSTITUTION_TYPES, n_institutions)]),
            "level": np.concatenate(
                [np.full(n_firms, "micro"), rng.choice(["micro", "meso", "macro"], n_institutions)]
            ),
        }
    )


def _random_ties(rng, n_actors, m, joint_share) -> np.ndarray:
    """m random ties as unique int64 keys (source, target, type), no self-loops."""
    source = rng.integers(0, n_actors, m)
    target = rng.integers(0, n_actors - 1, m)
    target += target >= source
    kind = np.where(
        rng.random(m) < joint_share, _RELATION_TYPES.index("joint_action"), rng.integers(0, len(_RELATION_TYPES), m)
    )
    return np.unique((source * n_actors + target) * len(_RELATION_TYPES) + kind)


def _synthetic_relations(rng, firm_ids, n_institutions, ties_per_actor) -> pd.DataFrame:
    n_actors = firm_ids.size + n_institutions
    round1 = _random_ties(rng, n_actors, round(ties_per_actor * n_actors), 0.02)
    kept = round1[rng.random(round1.size) < 0.85]
    round2 = np.union1d(kept, _random_ties(rng, n_actors, n_actors // 2, 0.3))
    keys = np.concatenate([round1, round2])
    kind = keys % len(_RELATION_TYPES)
    pair = keys // len(_RELATION_TYPES)
    ids = _actor_ids(firm_ids, n_institutions)
    return pd.DataFrame(
        {
            "source": ids[pair // n_actors],
            "target": ids[pair % n_actors],
            "relation_type": np.array(_RELATION_TYPES)[kind],
            "intensity": rng.integers(1, 4, keys.size),
            "formal": rng.random(keys.size) < 0.3,
            "survey_round": np.repeat([1, 2], [round1.size, round2.size]),
        }
    )


def _synthetic_swot(rng, n=200) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "category": rng.choice(_SWOT_CATEGORIES, n),
            "statement": _ids("Constat synthétique ", n, 3),
            "theme": rng.choice(_THEMES, n),
            "votes": rng.integers(0, 30, n),
        }
    )


def _synthetic_services(rng, n_institutions, n=50) -> pd.DataFrame:
    inst_ids = _institution_ids(n_institutions)
    return pd.DataFrame(
        {
            "provider": inst_ids[rng.integers(0, n_institutions, n)],
            "service": _ids("Service synthétique ", n, 2),
            "users": rng.integers(0, 200, n),
            "satisfaction": np.round(rng.uniform(1, 5, n), 1),
            "cost_recovery": np.round(rng.uniform(0, 1, n), 2),
        }
    )


def _synthetic_actions(rng, n, firm_ids, n_institutions) -> pd.DataFrame:
    actor_ids = _actor_ids(firm_ids, n_institutions)
    start = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 3 * 365, n), unit="D")
    end = start + pd.to_timedelta(rng.integers(60, 730, n), unit="D")
    status = np.select([start > _AS_OF, rng.random(n) < 0.1, end <= _AS_OF], ["planned", "dropped", "done"], "ongoing")
    budget = np.round(rng.lognormal(np.log(40_000), 0.9, n), -2)
    spent = np.where(status == "planned", np.nan, np.round(budget * rng.uniform(0.1, 1.1, n), -2))
    partners = actor_ids[rng.integers(0, actor_ids.size, n)]
    return pd.DataFrame(
        {
            "action_id": _ids("ACT", n, len(str(n))),
            "objective_id": _ids("O", 10, 2)[rng.integers(0, 10, n)],
            "title": _ids("Action synthétique ", n, len(str(n))),
            "kind": rng.choice(["quick_win", "structuring"], n),
            "domain": rng.choice(_DOMAINS, n),
            "scope": rng.choice(["firm_group", "whole_cluster"], n),
            "lead": actor_ids[rng.integers(0, actor_ids.size, n)],
            "partners": pd.Series(partners, dtype="str").where(rng.random(n) < 0.7),
            "start": start,
            "end": end,
            "budget": budget,
            "cofinancing_rate": np.round(rng.uniform(0.3, 0.8, n), 2),
            "impact": rng.integers(1, 6, n),
            "feasibility": rng.integers(1, 6, n),
            "status": status,
            "spent": spent,
            "plan_year": np.minimum(3, (start.year - 2024).to_numpy()),
        }
    )


def _synthetic_indicators(rng, n, n_actions) -> pd.DataFrame:
    level = rng.choice(_LEVELS, n)
    baseline = np.round(rng.uniform(10, 100, n), 1)
    # One indicator in ten should fall.
    target = np.round(baseline * np.where(rng.random(n) < 0.1, 0.5, rng.uniform(1.2, 3.0, n)), 1)
    action_ids = _ids("ACT", n_actions, len(str(n_actions)))[rng.integers(0, n_actions, n)]
    linked = np.isin(level, ["activity", "output"])
    baseline_date = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 365, n), unit="D")
    return pd.DataFrame(
        {
            "indicator_id": _ids("I", n, len(str(n))),
            "name": _ids("Indicateur synthétique ", n, len(str(n))),
            "level": level,
            "dimension": rng.choice(_DIMENSIONS, n),
            "battery": rng.choice(_BATTERIES, n),
            "unit": rng.choice(["entreprises", "personnes", "EUR"], n),
            "baseline": baseline,
            "baseline_date": baseline_date,
            "target": target,
            "target_date": baseline_date + pd.DateOffset(years=5),
            "source": "Source synthétique",
            "frequency": "monthly",
            "responsible": "Structure d'animation",
            "disaggregation": pd.Series(np.where(rng.random(n) < 0.2, "sex", None), dtype="str"),
            "action_id": pd.Series(action_ids, dtype="str").where(linked),
        }
    )


def _synthetic_measurements(rng, indicators, n_rounds) -> pd.DataFrame:
    n = len(indicators)
    row = np.repeat(np.arange(n), n_rounds)
    frac = np.tile(np.arange(1, n_rounds + 1) / n_rounds, n)
    base_date = indicators["baseline_date"].to_numpy()[row]
    span = (indicators["target_date"] - indicators["baseline_date"]).to_numpy()[row]
    baseline = indicators["baseline"].to_numpy()[row]
    change = indicators["target"].to_numpy()[row] - baseline
    noise = rng.normal(0, 0.05, row.size) * np.abs(change)
    value = np.maximum(0, np.round(baseline + change * frac * rng.uniform(0.5, 1.3, row.size) + noise, 2))
    total = pd.DataFrame(
        {
            "indicator_id": indicators["indicator_id"].to_numpy()[row],
            "date": base_date + (span * frac).astype("timedelta64[s]"),
            "value": value,
            "group": pd.Series(np.full(row.size, None), dtype="str"),
            "note": pd.Series(np.full(row.size, None), dtype="str"),
        }
    )
    # Women's and men's rows for the indicators disaggregated by sex: they add up to the total.
    split = total[(indicators["disaggregation"] == "sex").to_numpy()[row]]
    women = np.round(split["value"] * rng.uniform(0.3, 0.7, len(split)), 2)
    return pd.concat(
        [total, split.assign(value=women, group="f"), split.assign(value=split["value"] - women, group="m")],
        ignore_index=True,
    )


def _synthetic_competencies(rng, n_persons) -> pd.DataFrame:
    skills = [(c, s) for c, names in SKILLS.items() for s in names]
    # One row per person x date x assessor x skill, in that nesting order.
    shape = (n_persons, len(_COMPETENCY_DATES), len(_ASSESSORS), len(skills))
    person, date, assessor, skill = (a.ravel() for a in np.indices(shape))
    return pd.DataFrame(
        {
            "person": _ids("Personne ", n_persons, 3)[person],
            "date": np.array(_COMPETENCY_DATES, dtype="datetime64[ns]")[date],
            "assessor": np.array(_ASSESSORS)[assessor],
            "competency": np.array([c for c, _ in skills])[skill],
            "skill": np.array([s for _, s in skills])[skill],
            "score": np.clip(rng.integers(1, 5, person.size) + date, 1, 5),
            "evidence": pd.Series(np.full(person.size, None), dtype="str"),
        }
    )


# ---------------------------------------------------------------------------------------
# A programme of three fictional clusters at different steps (clusterkit portfolio)
# ---------------------------------------------------------------------------------------
_DIAGNOSTIC_SHEETS = (
    "cluster",
    "employment",
    "candidates",
    "criteria",
    "enterprises",
    "actors",
    "relations",
    "swot",
    "services",
    "narratives",
)
_PORTFOLIO = (
    # file stem, seed, cluster name, region, facilitator, start, status date, sheets kept (None: all)
    (
        "kelbia-textile",
        2031,
        "Cluster textile de Kelbia (fictif)",
        "Kelbia",
        _FACILITATORS[2],
        pd.Timestamp("2026-06-01"),
        _AS_OF,
        _DIAGNOSTIC_SHEETS,
    ),
    (
        "ardoun-cuir",
        2032,
        "Cluster du cuir d'Ardoun (fictif)",
        "Ardoun",
        _FACILITATORS[1],
        _CLUSTER[8][1],
        pd.Timestamp("2025-12-31"),
        None,
    ),
    ("tamsa-cuir", 2026, _CLUSTER[0][1], "Tamsa", _FACILITATORS[0], _CLUSTER[8][1], _AS_OF, None),
)


def _as_of(frames: dict[str, pd.DataFrame], day: pd.Timestamp) -> dict[str, pd.DataFrame]:
    """The example as its team would have filled it at ``day``: no later measurement or
    assessment, actions not yet begun planned, actions not yet over still under way."""
    actions = frames["actions"].copy()
    not_begun = actions["start"] > day
    actions.loc[not_begun & (actions["status"] != "dropped"), ["status", "spent"]] = ["planned", np.nan]
    running = (actions["status"] == "done") & (actions["end"] > day)
    actions.loc[running, "status"] = "ongoing"
    return {
        **frames,
        "actions": actions,
        "measurements": frames["measurements"][frames["measurements"]["date"] <= day],
        "competencies": frames["competencies"][frames["competencies"]["date"] <= day],
    }


def example_portfolio(folder) -> list:
    """Write three fictional clusters of one programme into ``folder`` and return their paths:
    one still in its diagnostic (no action, no measurement), one in the second year of its
    action plan, and the Tamsa example in its third year. Same folder, same bytes."""
    from pathlib import Path

    from .workbook import write_workbook

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for stem, seed, name, region, facilitator, start, status_date, sheets in _PORTFOLIO:
        frames = build_example(seed)
        if sheets is not None:
            frames = {key: frame for key, frame in frames.items() if key in sheets}
        elif status_date < _AS_OF:
            frames = _as_of(frames, status_date)
        values = {
            **dict(_CLUSTER),
            "name": name,
            "region": region,
            "facilitator": facilitator,
            "start_date": start,
            "status_date": status_date,
        }
        frames["cluster"] = pd.DataFrame(list(values.items()), columns=["key", "value"])
        paths.append(write_workbook(frames, folder / f"{stem}.xlsx", "fr"))
    return paths
