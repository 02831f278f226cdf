"""A realistic, deterministic portfolio: establishments of every type and region, calls
2010-2025, projects with valid registry ids, milestones in every state, realistic awards.

Bulk inserts keep 4,000 projects well under a minute.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from dbtools.planner_statistics import analyze_portfolio_tables
from search import index as search_index
from workflows.data_version import bump_on_commit
from workflows.ledger import HistoricalStock, record_historical_tranches
from workflows.models import (
    Call,
    Discipline,
    Establishment,
    Investigator,
    Project,
    ProjectMilestone,
    ProjectStatus,
    TrialRegistration,
    Visibility,
)
from workflows.models.establishments import region_from_label
from workflows.reference import DISCIPLINES, get_or_create_call
from workflows.validators import Registry

from . import grammar
from .establishments import ESTABLISHMENTS, EXTRA_ESTABLISHMENTS

#: provenance of the demo's historical tranches
DEMO_SOURCE = "démonstration, stock fictif"

YEARS = range(2010, 2026)
#: call code -> weight (close to the open-data distribution)
CALL_WEIGHTS = {
    "PHRCN": 40,
    "PHRCI": 30,
    "PHRIP": 8,
    "PHRCK": 7,
    "PREPS": 5,
    "PRME": 4,
    "PRTS": 2,
    "PRTK": 2,
    "PRMEK": 1,
    "PREPS-IQ": 0.3,
    "PREPS-DP": 0.2,
    "PREPS-TSN": 0.2,
    "RESPIR": 0.3,
}
LAST_NAMES = [
    "MARTIN",
    "BERNARD",
    "THOMAS",
    "PETIT",
    "ROBERT",
    "RICHARD",
    "DURAND",
    "DUBOIS",
    "MOREAU",
    "LAURENT",
    "SIMON",
    "MICHEL",
    "LEFEBVRE",
    "LEROY",
    "ROUX",
    "DAVID",
    "BERTRAND",
    "MOREL",
    "FOURNIER",
    "GIRARD",
    "BONNET",
    "DUPONT",
    "LAMBERT",
    "FONTAINE",
    "ROUSSEAU",
    "VINCENT",
    "MULLER",
    "LEFEVRE",
    "FAURE",
    "ANDRE",
    "MERCIER",
    "BLANC",
    "GUERIN",
    "BOYER",
    "GARNIER",
    "CHEVALIER",
    "FRANCOIS",
    "LEGRAND",
    "GAUTHIER",
    "GARCIA",
    "PERRIN",
    "ROBIN",
    "CLEMENT",
    "MORIN",
    "NICOLAS",
    "HENRY",
    "ROUSSEL",
    "MATHIEU",
    "GAUTIER",
    "MASSON",
    "MARCHAND",
    "DUVAL",
    "DENIS",
    "DUMONT",
    "MARIE",
    "LEMAIRE",
    "NOEL",
    "MEYER",
    "DUFOUR",
    "MEUNIER",
    "BRUN",
    "BLANCHARD",
    "GIRAUD",
    "JOLY",
    "RIVIERE",
    "LUCAS",
    "BRUNET",
    "GAILLARD",
    "BARBIER",
    "ARNAUD",
    "MARTINEZ",
    "GERARD",
    "ROCHE",
    "RENARD",
    "SCHMITT",
    "ROY",
    "LEROUX",
    "COLIN",
    "VIDAL",
    "CARON",
    "PICARD",
]
FIRST_NAMES = [
    "Marie",
    "Nathalie",
    "Isabelle",
    "Sylvie",
    "Catherine",
    "Françoise",
    "Valérie",
    "Christine",
    "Sophie",
    "Sandrine",
    "Anne",
    "Céline",
    "Jean",
    "Philippe",
    "Michel",
    "Alain",
    "Patrick",
    "Nicolas",
    "Christophe",
    "Pierre",
    "Laurent",
    "Frédéric",
    "Éric",
    "Olivier",
    "Stéphane",
    "Julien",
    "Guillaume",
    "Emmanuel",
    "Aurélie",
    "Hélène",
    "Claire",
    "Camille",
    "Thomas",
    "Mathieu",
    "Delphine",
    "Bruno",
    "Gilles",
    "Agnès",
]
#: grammatical templates: {x} and {y} are noun phrases with their article; `grammar.fill`
#: contracts "de les" -> "des", "de un" -> "d'un", "à le" -> "au"…
TITLE_PATTERNS = [
    "Essai randomisé multicentrique évaluant {x} chez les patients atteints de {y}",
    "Impact de {x} sur la prise en charge de {y} : étude prospective",
    "Évaluation médico-économique de {x} dans la prise en charge de {y}",
    "Étude de cohorte sur {x} et le pronostic de {y}",
    "Intérêt de {x} pour réduire les complications de {y}",
]
INTERVENTIONS = [
    "la télésurveillance",
    "un programme d'éducation thérapeutique",
    "la kinésithérapie précoce",
    "un protocole de réhabilitation améliorée",
    "l'imagerie par IRM de diffusion",
    "la stimulation magnétique",
    "une intervention infirmière",
    "l'antibiothérapie courte",
    "la chirurgie ambulatoire",
    "une consultation pharmaceutique",
    "l'activité physique adaptée",
    "un algorithme d'aide à la décision",
]
CONDITIONS = {
    "cardiologie": ["l'insuffisance cardiaque", "l'infarctus du myocarde", "la fibrillation atriale"],
    "neurologie": ["l'accident vasculaire cérébral", "la sclérose en plaques", "la maladie de Parkinson"],
    "cancerologie": ["le cancer du sein", "le cancer colorectal", "le cancer du poumon"],
    "psychiatrie": ["la dépression résistante", "la schizophrénie", "l'addiction à l'alcool"],
    "pediatrie": ["la bronchiolite du nourrisson", "la prématurité", "l'asthme de l'enfant"],
    "infectiologie": ["la pneumonie acquise", "le sepsis", "les infections du site opératoire"],
}
DEFAULT_CONDITIONS = ["les maladies chroniques", "la dénutrition du sujet âgé", "les suites opératoires"]
RAW_SPELLINGS = {
    "cardiologie": ["cardiologie", "Cardiologie", "cardiology", "cardiologie / vasculaire"],
    "neurologie": ["neurologie", "Neurology", "neurologie."],
    "cancerologie": ["cancer", "oncologie", "Cancérologie"],
}


def _registry_id(rng: random.Random, year: int) -> tuple[str, str]:
    kind = rng.choices(
        [
            Registry.CLINICALTRIALS,
            Registry.EUDRACT,
            Registry.IDRCB,
            Registry.EUCT,
            Registry.ISRCTN,
            Registry.PROSPERO,
        ],
        weights=[70, 8, 12, 4, 3, 3],
    )[0]
    if kind == Registry.CLINICALTRIALS:
        return kind, f"NCT{rng.randint(1000000, 6999999):08d}"
    if kind == Registry.EUDRACT:
        return kind, f"{min(year, 2022)}-{rng.randint(0, 999999):06d}-{rng.randint(10, 99)}"
    if kind == Registry.IDRCB:
        return kind, f"{max(year, 2010)}-A{rng.randint(0, 99999):05d}-{rng.randint(10, 99)}"
    if kind == Registry.EUCT:
        return kind, f"{max(year, 2023)}-5{rng.randint(0, 99999):05d}-{rng.randint(10, 99)}-00"
    if kind == Registry.ISRCTN:
        return kind, f"ISRCTN{rng.randint(10000000, 99999999)}"
    return kind, f"CRD42{max(year, 2011)}{rng.randint(0, 99999):05d}"


def _award(rng: random.Random, call_code: str) -> Decimal:
    base = {
        "PHRCN": 450_000,
        "PHRCK": 500_000,
        "PHRCI": 220_000,
        "PHRIP": 120_000,
        "PRTS": 400_000,
        "PRTK": 450_000,
        "PRME": 350_000,
        "PRMEK": 350_000,
    }.get(call_code, 250_000)
    value = max(30_000, min(2_000_000, rng.lognormvariate(0, 0.55) * base))
    return Decimal(round(value / 100) * 100).quantize(Decimal("0.01"))


def seed_establishments() -> list[Establishment]:
    existing = {e.finess: e for e in Establishment.objects.all()}
    new = [
        Establishment(finess=f, name=n, type=t, region=region_from_label(r))
        for f, n, t, r in ESTABLISHMENTS + EXTRA_ESTABLISHMENTS
        if f not in existing
    ]
    for establishment in new:
        establishment.save()
    return list(Establishment.objects.order_by("finess"))


@transaction.atomic
def seed_portfolio(*, projects: int, rng: random.Random, today: datetime.date) -> list[Project]:
    """Create `projects` projects (skipped when the portfolio already has them)."""
    if Project.objects.count() >= projects:
        return []
    establishments = seed_establishments()
    weights = [5 if e.type == "CHUR" else 1 for e in establishments]
    disciplines = {d.code: d for d in Discipline.objects.all()}
    codes = list(CALL_WEIGHTS)
    calls: dict[tuple[str, int], Call] = {}
    sequences: dict[int, int] = {}
    investigators = []
    for _ in range(max(50, projects // 3)):
        investigators.append(
            Investigator(
                title=rng.choice(["Pr", "Dr", "Dr", "M.", "Mme"]),
                last_name=rng.choice(LAST_NAMES),
                first_name=rng.choice(FIRST_NAMES),
            )
        )
    for investigator in investigators:
        investigator.normalised_key = Investigator.key_for(investigator.last_name, investigator.first_name)
    investigators = Investigator.objects.bulk_create(investigators)

    registrations: dict[str, TrialRegistration] = {r.identifier: r for r in TrialRegistration.objects.all()}
    rows = []
    links = []
    for _ in range(projects):
        code = rng.choices(codes, weights=[CALL_WEIGHTS[c] for c in codes])[0]
        year = rng.choice(YEARS)
        key = (code, year)
        if key not in calls:
            calls[key] = get_or_create_call(code, year)
            sequences[calls[key].pk] = (
                Project.objects.filter(call=calls[key])
                .order_by("-sequence")
                .values_list("sequence", flat=True)
                .first()
                or 0
            )
        call = calls[key]
        sequences[call.pk] += 1
        discipline_code = rng.choice(DISCIPLINES)[0]
        conditions = CONDITIONS.get(discipline_code, DEFAULT_CONDITIONS)
        selected_on = datetime.date(year, rng.randint(5, 12), rng.randint(1, 28))
        age_months = (today.year - selected_on.year) * 12 + today.month - selected_on.month
        status = ProjectStatus.IN_PROGRESS if age_months > 6 else ProjectStatus.SELECTED
        if age_months > 84:
            status = rng.choices(
                [
                    ProjectStatus.COMPLETED,
                    ProjectStatus.IN_PROGRESS,
                    ProjectStatus.ABANDONED,
                    ProjectStatus.LAPSED,
                ],
                weights=[70, 20, 6, 4],
            )[0]
        acronym = "".join(rng.choice("ABCDEFGHIJKLMNOPRSTUVY") for _ in range(rng.randint(4, 7)))
        project = Project(
            call=call,
            sequence=sequences[call.pk],
            public_id=Project.build_public_id(call, sequences[call.pk]),
            acronym=acronym,
            title=grammar.fill(
                rng.choice(TITLE_PATTERNS), x=rng.choice(INTERVENTIONS), y=rng.choice(conditions)
            ),
            summary=(
                f"Projet {acronym} financé au titre de l'appel {call.code} {year}. "
                "L'étude compare une stratégie innovante à la prise en charge habituelle et mesure son "
                "effet sur un critère clinique principal, la qualité de vie et les coûts."
            ),
            discipline=disciplines.get(discipline_code),
            discipline_raw=rng.choice(
                RAW_SPELLINGS.get(discipline_code, [disciplines[discipline_code].label.lower()])
            ),
            establishment=rng.choices(establishments, weights=weights)[0],
            investigator=rng.choice(investigators),
            award_amount=_award(rng, code),
            budget_breakdown="Personnel : 62 % ; fonctionnement : 30 % ; frais de gestion : 8 %.",
            status=status,
            visibility=Visibility.INTERNAL if rng.random() < 0.03 else Visibility.PUBLIC,
            selected_on=selected_on,
        )
        rows.append(project)
        ids = []
        for _ in range(rng.choices([0, 1, 2], weights=[15, 75, 10])[0]):
            registry, identifier = _registry_id(rng, year)
            if identifier not in registrations:
                registrations[identifier] = TrialRegistration(registry=registry, identifier=identifier)
            ids.append(identifier)
        links.append(ids)
    TrialRegistration.objects.bulk_create(
        [r for r in registrations.values() if r.pk is None], batch_size=2000
    )
    registrations = {r.identifier: r for r in TrialRegistration.objects.all()}
    created = Project.objects.bulk_create(rows, batch_size=1000)
    through = Project.registrations.through
    through.objects.bulk_create(
        [
            through(project_id=project.pk, trialregistration_id=registrations[identifier].pk)
            for project, ids in zip(created, links, strict=True)
            for identifier in dict.fromkeys(ids)
        ],
        batch_size=5000,
    )
    _seed_milestones(created, rng=rng, today=today)
    search_index.refresh_projects(project.pk for project in created)
    analyze_portfolio_tables()
    bump_on_commit()  # bulk-created rows send no save signal
    return created


def _seed_milestones(projects: list[Project], *, rng: random.Random, today: datetime.date) -> None:
    """Milestones copied from each call's schedule: reached, verified, late or upcoming."""
    templates_by_call = {}
    milestones = []
    stock: list[HistoricalStock] = []
    for project in projects:
        if project.call_id not in templates_by_call:
            schedule = project.call.current_schedule()
            templates_by_call[project.call_id] = list(
                schedule.milestone_templates.prefetch_related("evidence_types").order_by("rank")
            )
        templates = templates_by_call[project.call_id]
        stalled = project.status in (ProjectStatus.ABANDONED, ProjectStatus.LAPSED) or rng.random() < 0.15
        reached = 0
        for index, template in enumerate(templates):
            milestone = ProjectMilestone.from_template(project, template, is_last=index == len(templates) - 1)
            planned = milestone.planned_date
            slip = datetime.timedelta(days=rng.randint(-60, 240))
            can_reach = planned + slip < today and reached == index and not (stalled and index >= 2)
            if project.status == ProjectStatus.COMPLETED or can_reach:
                milestone.declared_on = min(planned + slip, today - datetime.timedelta(days=1))
                reached += 1
            elif planned < today:
                milestone.days_late = (today - planned).days
            milestones.append(milestone)
        # Historical stock: tranches of verified milestones were delegated before SIRANo.
        legacy = reached - (1 if rng.random() < 0.35 else 0) if project.selected_on.year < 2024 else 0
        if legacy > 0:
            stock.append(HistoricalStock(project_id=project.pk, last_rank=legacy, source_file=DEMO_SOURCE))
            for milestone in milestones[-len(templates) :][:legacy]:
                milestone.verified_at = timezone.make_aware(
                    datetime.datetime.combine(
                        milestone.declared_on + datetime.timedelta(days=30), datetime.time(10)
                    )
                )
    ProjectMilestone.objects.bulk_create(milestones, batch_size=2000)
    through = ProjectMilestone.evidence_types.through
    evidence_by_template = {
        t.pk: [e.pk for e in t.evidence_types.all()]
        for templates in templates_by_call.values()
        for t in templates
    }
    through.objects.bulk_create(
        [
            through(projectmilestone_id=m.pk, evidencetype_id=evidence_id)
            for m in milestones
            for evidence_id in evidence_by_template[m.template_id]
        ],
        batch_size=5000,
    )
    # The demo's historical stock goes through the ledger service, like an import's.
    record_historical_tranches(entries=stock)
