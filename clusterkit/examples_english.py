"""The example cluster in English: the team's own words of the Tamsa example, translated.

`build_example(lang="en")` draws the French example and then passes it through `in_english`,
which replaces the texts a team types (vision, objectives, actions, SWOT statements, services,
indicators, narratives, strata, names of firms and institutions...) and leaves every number,
date, identifier and enumeration value as drawn: the two examples differ only by their words.
Names of people and places are kept as they are. A French text without its translation here is
an error, so that a sentence added to the example cannot slip into the English one untranslated.
"""

from __future__ import annotations

import pandas as pd

# The columns holding a team's own text, by sheet. Firm and institution names are translated
# apart (`_firm_name`), region names and people's names are kept.
TEXT_COLUMNS = {
    "employment": ("sector",),
    "candidates": ("name", "sector"),
    "criteria": ("label",),
    "enterprises": ("owner_stratum", "main_product"),
    "swot": ("statement",),
    "services": ("service",),
    "vision": ("statement",),
    "objectives": ("statement",),
    "actions": ("title", "status_note"),
    "indicators": ("name", "unit", "source", "responsible"),
    "measurements": ("note",),
    "competencies": ("evidence",),
    "narratives": ("text",),
}
# Keys of the `cluster` sheet whose value is text to translate.
CLUSTER_TEXT_KEYS = ("name", "country", "sector", "note")

# The kind of firm that opens a surveyed firm's name ("Tannerie Roux" becomes "Roux Tannery").
FIRM_KINDS = {
    "Atelier de montage": "Assembly Workshop",
    "Manufacture": "Footwear Works",
    "Chaussures": "Shoes",
    "Atelier": "Workshop",
    "Chausserie": "Shoemakers",
    "Maroquinerie": "Leather Goods",
    "Tannerie": "Tannery",
    "Semelles": "Soles",
    "Accessoires": "Accessories",
    "Piqûre": "Stitching",
    "Maintenance": "Maintenance",
    "Transports": "Transport",
    "Patronage": "Patterns",
    "Négoce": "Trading",
    "Comptoir": "Leather Trading",
}

ENGLISH = {
    # the cluster sheet
    "Cluster du cuir et de la chaussure de Tamsa (fictif)": "Tamsa leather and footwear cluster (fictional)",
    "République de Kelora (fictive)": "Republic of Kelora (fictional)",
    "Exemple pédagogique : le cluster, le pays, les entreprises, les personnes et tous les chiffres "
    "sont inventés pour la formation.": "Teaching example: the cluster, the country, the firms, the people and all the figures are "
    "made up for training.",
    # sectors of the mapping data
    "Cuir et chaussure": "Leather and footwear",
    "Textile et habillement": "Textiles and clothing",
    "Agroalimentaire": "Food processing",
    "Bois et meubles": "Wood and furniture",
    "Métallurgie et travail des métaux": "Metallurgy and metalworking",
    "Matériaux de construction": "Building materials",
    "Chimie et plasturgie": "Chemicals and plastics",
    "Artisanat d'art": "Art crafts",
    "Pêche et transformation du poisson": "Fishing and fish processing",
    "Réparation automobile": "Car repair",
    "Électricité et électronique": "Electrical and electronic goods",
    "Imprimerie et édition": "Printing and publishing",
    "Tourisme et hôtellerie": "Tourism and hotels",
    "Commerce de gros": "Wholesale trade",
    "Transport et logistique": "Transport and logistics",
    "Services informatiques": "IT services",
    # candidate clusters
    "Cuir et chaussure de Tamsa": "Tamsa leather and footwear",
    "Textile et habillement d'Ardoun": "Ardoun textiles and clothing",
    "Agroalimentaire de Belkane": "Belkane food processing",
    "Bois et meubles de Corvalle": "Corvalle wood and furniture",
    "Artisanat d'art de Lumesse": "Lumesse art crafts",
    "Métallurgie d'Estrel": "Estrel metalworking",
    "Matériaux de construction de Hadrim": "Hadrim building materials",
    "Services informatiques de Fenoul": "Fenoul IT services",
    # selection criteria
    "Emplois dans le secteur et la région (2024)": "Jobs in the sector and region (2024)",
    "Croissance annuelle de l'emploi 2019-2024": "Annual employment growth 2019-2024",
    "Part des ventes exportées": "Share of sales exported",
    "Part des femmes dans l'emploi": "Share of women in employment",
    "Part des micro-entreprises": "Share of micro-enterprises",
    "Dynamisme des associations professionnelles (note 1-5)": "Strength of business associations (score 1-5)",
    "Pression sur l'environnement (note 1-5)": "Pressure on the environment (score 1-5)",
    # owner strata and products of the surveyed firms
    "industriel": "industrialist",
    "commerçant": "trader",
    "artisan précaire": "precarious artisan",
    "artisan établi": "established artisan",
    "entrepreneur moyen": "medium entrepreneur",
    "chaussures de ville": "town shoes",
    "chaussures de sécurité": "safety shoes",
    "sandales et babouches": "sandals and slippers",
    "sacs et ceintures": "bags and belts",
    "cuir tanné": "tanned leather",
    "semelles en caoutchouc": "rubber soles",
    "boucles et œillets": "buckles and eyelets",
    "piqûre de tiges": "upper stitching",
    "montage à façon": "contract assembly",
    "réparation de machines": "machine repair",
    "transport de marchandises": "freight transport",
    "patrons et gradation": "patterns and grading",
    "négoce de chaussures": "shoe trading",
    "négoce de cuir": "leather trading",
    # institutions of the cluster map
    "Association des artisans chausseurs de Tamsa": "Tamsa Shoemakers' Association",
    "Groupement des tanneurs de Tamsa": "Tamsa Tanners' Group",
    "Chambre de commerce et d'industrie de Tamsa": "Tamsa Chamber of Commerce and Industry",
    "Commune de Tamsa": "Tamsa Municipality",
    "Direction régionale de l'industrie": "Regional Directorate of Industry",
    "Ministère de l'Industrie et de l'Artisanat": "Ministry of Industry and Crafts",
    "Agence nationale de promotion des exportations": "National Export Promotion Agency",
    "Centre technique du cuir et de la chaussure": "Leather and Footwear Technical Centre",
    "Cabinet Gestion Plus": "Gestion Plus Consulting",
    "Atelier Forme, bureau de design": "Forme Studio, design office",
    "Banque populaire de Tamsa": "Tamsa People's Bank",
    "Caisse de microfinance Tamsa Solidaire": "Tamsa Solidaire Microfinance Fund",
    "Fonds national de garantie des PME": "National SME Guarantee Fund",
    "Centre de formation professionnelle aux métiers du cuir": "Leather Trades Vocational Training Centre",
    "Université de Kelora, laboratoire de chimie appliquée": "University of Kelora, applied chemistry laboratory",
    "Lycée technique de Tamsa": "Tamsa Technical School",
    "Grands Magasins Orbelle": "Orbelle Department Stores",
    "Ventoux Import": "Ventoux Import",
    "Femmes et Métiers (ONG)": "Women and Trades (NGO)",
    "Tamsa Environnement (ONG)": "Tamsa Environment (NGO)",
    "Structure d'animation du cluster": "Cluster facilitation unit",
    "Programme international d'appui aux clusters": "International cluster support programme",
    # SWOT statements (the exercises' catalogue words, exercise.example.swot.*)
    "Savoir-faire ancien des artisans dans la coupe et le montage": "Long-standing craft skills in cutting and assembling",
    "Tanneries locales qui livrent le cuir à deux pas des ateliers": "Local tanneries delivering leather right next to the workshops",
    "Main-d'œuvre nombreuse et déjà formée à la piqûre": "A large workforce already trained in stitching",
    "Réputation de solidité des chaussures de Tamsa dans le pays": "Tamsa shoes known across the country for their sturdiness",
    "Centre technique et centre de formation implantés dans la ville": "A technical centre and a training centre based in the town",
    "Machines anciennes et entretien irrégulier dans la plupart des ateliers": "Old machines and irregular maintenance in most workshops",
    "Collections rarement renouvelées et absence des salons": "Collections seldom renewed and no presence at trade fairs",
    "Crédit bancaire presque inaccessible aux petits ateliers, faute de garanties": "Bank credit almost out of reach for small workshops, for lack of collateral",
    "Association professionnelle peu représentative et sans ressources propres": "A business association that represents few firms and has no resources of its own",
    "Méfiance entre fabricants, qui se copient les modèles": "Distrust between manufacturers, who copy each other's designs",
    "Piqueuses à domicile payées à la pièce, sans contrat ni protection sociale": "Home-based stitchers paid by the piece, with no contract or social protection",
    "Eaux usées des tanneries rejetées sans traitement dans l'oued": "Tannery wastewater discharged untreated into the wadi",
    "Chutes de cuir brûlées à l'air libre": "Leather offcuts burned in the open air",
    "Trop peu de modélistes capables de dessiner et de grader des patrons": "Too few pattern makers able to draw and grade patterns",
    "Demande croissante des pays voisins pour des chaussures de milieu de gamme": "Growing demand from neighbouring countries for mid-range shoes",
    "Acheteurs européens en quête de fournisseurs plus proches": "European buyers looking for suppliers closer to home",
    "Nouveau fonds national de garantie pour les PME": "A new national guarantee fund for SMEs",
    "Programme public d'appui aux clusters lancé par le ministère": "A public cluster support programme launched by the ministry",
    "ONG régionale active auprès des artisanes": "A regional NGO working with women artisans",
    "Lycée technique prêt à ouvrir une section cuir": "A technical secondary school ready to open a leather section",
    "Chaussures importées à très bas prix": "Very cheap imported shoes",
    "Hausse du prix des peaux brutes, de plus en plus exportées": "Rising prices of raw hides, more and more of which are exported",
    "Normes environnementales plus strictes chez les acheteurs et dans la loi": "Stricter environmental standards from buyers and in the law",
    "Taux d'intérêt élevés des banques commerciales": "High interest rates at commercial banks",
    "Départ des jeunes vers la capitale et l'étranger": "Young people leaving for the capital and abroad",
    # services of the support institutions
    "Essais de laboratoire sur le cuir": "Laboratory tests on leather",
    "Conception assistée par ordinateur de modèles": "Computer-aided shoe design",
    "Conseil en gestion et comptabilité": "Management and accounting advice",
    "Création de collections": "Collection design",
    "Formation à la piqûre et au montage": "Training in stitching and assembling",
    "Crédit d'investissement aux PME": "Investment loans to SMEs",
    "Microcrédit pour artisanes": "Microcredit for women artisans",
    "Information sur les salons et les appels d'offres": "Information on trade fairs and calls for tender",
    "Accompagnement aux salons internationaux": "Support to attend international trade fairs",
    "Analyse des effluents de tannerie": "Analysis of tannery effluent",
    # vision and objectives
    "En 2028, les entreprises de Tamsa vendent sous une marque commune dans trois pays voisins, "
    "les tanneries traitent leurs eaux usées et les artisanes comme les artisans précaires "
    "tirent de leur travail un revenu plus élevé et plus régulier.": "By 2028, Tamsa's firms sell under a shared brand in three neighbouring countries, the tanneries "
    "treat their wastewater, and precarious women and men artisans earn a higher and steadier "
    "income from their work.",
    "Accroître les ventes du cluster sur les marchés national et régional": "Increase the cluster's sales on the national and regional markets",
    "Améliorer la qualité des produits et la productivité des ateliers": "Improve product quality and workshop productivity",
    "Renforcer la gouvernance collective et la confiance entre les acteurs": "Strengthen collective governance and trust between the actors",
    "Améliorer les revenus et les conditions de travail des femmes du cluster": "Improve the incomes and working conditions of the cluster's women",
    "Réduire l'impact des tanneries sur l'environnement": "Reduce the tanneries' impact on the environment",
    "Faciliter l'accès des petites entreprises au financement": "Make finance easier to reach for small firms",
    # action titles (those of the exercises' catalogue, exercise.example.action.*, word for word)
    "Réunions mensuelles du comité de pilotage et lettre d'information": "Monthly steering committee meetings and newsletter",
    "Stand commun au salon national de la chaussure": "Joint stand at the national footwear fair",
    "Marque collective « Tamsa Cuir » et charte de qualité": "“Tamsa Cuir” collective brand and quality charter",
    "Achats groupés de cuir et de semelles": "Group purchasing of leather and soles",
    "Formation de 120 ouvrières et ouvriers à la piqûre et au montage": "Training 120 workers in stitching and assembling",
    "Centre de conception assistée par ordinateur partagé": "Shared computer-aided design centre",
    "Caisse de caution mutuelle des artisans": "Artisans' mutual guarantee fund",
    "Appui au montage des dossiers de crédit": "Help in preparing loan applications",
    "Audit environnemental des tanneries": "Environmental audit of the tanneries",
    "Station collective de prétraitement des effluents": "Shared effluent pre-treatment plant",
    "Groupe d'épargne et de crédit des piqueuses à domicile": "Savings and credit group of home-based stitchers",
    "Garde d'enfants et horaires adaptés pendant les formations": "Childcare and suitable hours during training",
    "Consortium d'exportation de quatre fabricants": "Export consortium of four manufacturers",
    "Accueil d'acheteurs étrangers pendant la foire annuelle": "Hosting foreign buyers during the annual fair",
    "Mission de prospection commerciale en Europe": "Trade prospecting mission to Europe",
    "Réponse groupée à une commande de chaussures de sécurité": "Joint bid for an order of safety shoes",
    "Démarche qualité et certification de cinq entreprises": "Quality management and certification of five firms",
    "Statuts et plan d'affaires de la structure d'animation": "Statutes and business plan of the facilitation unit",
    "Groupement d'employeurs pour les techniciens de maintenance": "Employers' group for maintenance technicians",
    "Collecte et recyclage des chutes de cuir": "Collection and recycling of leather offcuts",
    "Boutique vitrine commune dans la capitale": "Joint showroom shop in the capital",
    "Veille technologique sur les colles sans solvant": "Technology watch on solvent-free glues",
    # the facilitator's notes on late and dropped actions
    "Abandonnée : le salon visé a été annulé et les entreprises ont préféré reporter la mission.": "Dropped: the target fair was cancelled and the firms chose to postpone the mission.",
    "Retard : deux ateliers n'ont pas tenu les délais de livraison ; l'acheteur a accepté un report.": "Late: two workshops missed their delivery dates; the buyer agreed to a postponement.",
    "Pas encore démarrée : l'organisme de certification n'a pas encore été choisi.": "Not started yet: the certification body has not been chosen.",
    # indicators: names, units, sources, who is responsible
    "Réunions du comité de pilotage tenues": "Steering committee meetings held",
    "Personnes formées à la piqûre et au montage": "People trained in stitching and assembling",
    "Entreprises participant aux achats groupés": "Firms taking part in group purchasing",
    "Dossiers de crédit montés avec appui": "Loan applications prepared with support",
    "Entreprises présentes sur le stand commun du salon": "Firms on the joint stand at the fair",
    "Réseaux d'entreprises actifs": "Active business networks",
    "Nouveaux services du Centre technique du cuir": "New services of the Leather Technical Centre",
    "Membres de la caisse de caution mutuelle": "Members of the mutual guarantee fund",
    "Entreprises autorisées à utiliser la marque collective": "Firms licensed to use the collective brand",
    "Part des catégories d'acteurs représentées au comité": "Share of actor categories represented on the committee",
    "Coût moyen par personne formée": "Average cost per person trained",
    "Actions conjointes réalisées": "Joint actions carried out",
    "Densité du réseau de relations du cluster": "Density of the cluster's network of relations",
    "Part des liens formalisés par un accord écrit": "Share of ties formalised by a written agreement",
    "Taux de rebut en production": "Production scrap rate",
    "Part des réunions de gouvernance prévues effectivement tenues": "Share of planned governance meetings actually held",
    "Ressources locales mobilisées pour la structure d'animation": "Local resources raised for the facilitation unit",
    "Satisfaction moyenne des usagers des services": "Average satisfaction of service users",
    "Chiffre d'affaires à l'exportation des entreprises suivies": "Export turnover of the monitored firms",
    "Emplois dans les entreprises suivies": "Jobs in the monitored firms",
    "Revenu mensuel moyen des piqueuses à domicile": "Average monthly income of home-based stitchers",
    "Part des femmes parmi les propriétaires d'entreprise": "Share of women among business owners",
    "Eaux usées des tanneries rejetées sans traitement": "Tannery wastewater discharged untreated",
    "Nouveaux marchés desservis": "New markets served",
    "réunions": "meetings",
    "personnes": "people",
    "entreprises": "firms",
    "réseaux": "networks",
    "services": "services",
    "actions": "actions",
    "emplois": "jobs",
    "marchés": "markets",
    "%": "%",
    "EUR": "EUR",
    "ratio": "ratio",
    "note 1-5": "score 1-5",
    "EUR par mois": "EUR per month",
    "m³ par mois": "m³ per month",
    "Comptes rendus du comité": "Committee minutes",
    "Registre des formations": "Training register",
    "Bons de commande groupés": "Group purchase orders",
    "Registre du cabinet": "Consultancy's register",
    "Liste des exposants": "List of exhibitors",
    "Suivi de l'animatrice": "Facilitator's follow-up",
    "Catalogue du centre": "Centre's catalogue",
    "Registre de la caisse": "Fund's register",
    "Registre de la marque": "Brand register",
    "Comptabilité du programme": "Programme accounts",
    "Registre des activités": "Activity register",
    "Enquête sur les relations": "Relations survey",
    "Enquête auprès des entreprises": "Enterprise survey",
    "Comptes de la structure d'animation": "Facilitation unit's accounts",
    "Enquête de satisfaction": "Satisfaction survey",
    "Relevés du groupe d'épargne": "Savings group's records",
    "Relevés de la commune": "Municipality's records",
    "Structure d'animation": "Facilitation unit",
    "Centre de formation": "Training centre",
    "Association des artisans": "Shoemakers' Association",
    "Centre technique": "Technical centre",
    "Caisse Tamsa Solidaire": "Tamsa Solidaire Fund",
    "Femmes et Métiers": "Women and Trades",
    # notes on measurements
    "Enquête sur un échantillon de 40 entreprises": "Survey of a sample of 40 firms",
    "Relevé auprès de 31 membres du groupe d'épargne": "Records from 31 members of the savings group",
    "Station de prétraitement en construction": "Pre-treatment plant under construction",
    # evidence of the trainers' competency assessments
    "Observation d'une réunion du comité de pilotage": "Observation of a steering committee meeting",
    "Revue d'un autodiagnostic mené avec un groupe d'entreprises": "Review of a self-assessment run with a group of firms",
    "Revue d'un dossier de financement et du tableau de suivi": "Review of a funding application and of the monitoring chart",
    # narratives of the diagnostic report
    "Tamsa est une ville moyenne de l'intérieur de la République de Kelora, à trois heures de route "
    "de la capitale. Le travail du cuir y fait vivre plusieurs milliers de personnes, des tanneries "
    "aux ateliers de piqûre installés dans les maisons. Les fabricants vendent surtout dans le pays, "
    "où les chaussures importées gagnent du terrain ; quelques entreprises exportent vers les pays "
    "voisins.": "Tamsa is a mid-sized inland town of the Republic of Kelora, three hours' drive from the capital. "
    "Leatherwork there gives a living to several thousand people, from the tanneries to the stitching "
    "workshops set up in homes. The manufacturers sell mostly within the country, where imported shoes "
    "are gaining ground; a few firms export to neighbouring countries.",
    "Les premières tanneries modernes de Tamsa ont ouvert dans les années 1970, sur un savoir-faire "
    "artisanal bien plus ancien. L'ouverture aux importations, au début des années 2000, a fait "
    "fermer une partie des ateliers, tandis que les plus solides se tournaient vers la chaussure de "
    "ville et la sous-traitance pour des marques étrangères. L'association des artisans, créée en "
    "2012, reste peu active faute de moyens.": "Tamsa's first modern tanneries opened in the 1970s, on craft skills far older. Opening to "
    "imports in the early 2000s closed some of the workshops, while the strongest turned to town "
    "shoes and to subcontracting for foreign brands. The artisans' association, founded in 2012, "
    "does little for lack of means.",
    "Le cluster réunit des tanneries, des fabricants de chaussures et de maroquinerie, des "
    "sous-traitants de la piqûre et du montage, des fournisseurs de semelles et d'accessoires, "
    "ainsi que des négociants. Quatre entreprises de 80 à 250 salariés structurent la filière ; la "
    "plupart des autres comptent moins de dix personnes. Un centre technique, un centre de formation "
    "et deux institutions financières forment l'essentiel de l'environnement d'appui.": "The cluster brings together tanneries, makers of shoes and leather goods, stitching and "
    "assembly subcontractors, suppliers of soles and accessories, and traders. Four firms of 80 to "
    "250 employees shape the value chain; most of the others have fewer than ten people. A technical "
    "centre, a training centre and two financial institutions make up most of the support "
    "environment.",
    "Les femmes assurent l'essentiel de la piqûre, souvent à domicile et à la pièce, sans contrat ni "
    "protection sociale. Les artisans précaires dépendent des négociants qui leur avancent le cuir "
    "et fixent les prix, ce qui réduit leur marge et leur capacité d'investir. Pendant la haute "
    "saison, les journées de travail dépassent souvent dix heures.": "Women do most of the stitching, often at home and by the piece, with no contract or social "
    "protection. Precarious artisans depend on traders who advance them leather and set the prices, "
    "which cuts their margin and their ability to invest. In the high season, working days often "
    "exceed ten hours.",
}


def _english(values: pd.Series, words: dict[str, str], where: str) -> pd.Series:
    """Each text of ``values`` in English; empty cells stay empty."""
    texts = values.dropna()
    missing = sorted(set(texts) - words.keys())
    if missing:
        raise KeyError(f"{where}: no English for {missing}")
    return values.map(words, na_action="ignore").astype(values.dtype)


def _firm_name(name: str) -> str:
    """'Atelier de montage Diop' -> 'Diop Assembly Workshop': the surname is kept."""
    for kind in sorted(FIRM_KINDS, key=len, reverse=True):
        if name.startswith(f"{kind} "):
            return f"{name[len(kind) + 1 :]} {FIRM_KINDS[kind]}"
    raise KeyError(f"enterprises.name: no English kind of firm for {name!r}")


def in_english(example: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The French example with its texts in English; the frames given are not changed."""
    out = {sheet: frame.copy() for sheet, frame in example.items()}
    for sheet, columns in TEXT_COLUMNS.items():
        for column in columns:
            out[sheet][column] = _english(out[sheet][column], ENGLISH, f"{sheet}.{column}")
    firm_names = {name: _firm_name(name) for name in example["enterprises"]["name"]}
    out["enterprises"]["name"] = _english(out["enterprises"]["name"], firm_names, "enterprises.name")
    out["actors"]["name"] = _english(out["actors"]["name"], {**ENGLISH, **firm_names}, "actors.name")
    cluster = out["cluster"]
    text = cluster["key"].isin(CLUSTER_TEXT_KEYS)
    cluster.loc[text, "value"] = [ENGLISH[value] for value in cluster.loc[text, "value"]]
    cluster.loc[cluster["key"] == "language", "value"] = "en"
    return out
