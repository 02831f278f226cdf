"""Reference data from the domain handbook: programmes, evidence types, the default funding
schedule and the discipline vocabulary. `ensure_reference_data` is idempotent.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

PROGRAMMES = [
    ("PHRCN", "Programme hospitalier de recherche clinique national", "DGOS"),
    ("PHRCK", "PHRC national en cancérologie", "INCa"),
    ("PHRCI", "Programme hospitalier de recherche clinique interrégional", "GIRCI"),
    ("PRME", "Programme de recherche médico-économique", "DGOS"),
    ("PRMEK", "Programme de recherche médico-économique en cancérologie", "INCa"),
    ("PREPS", "Programme de recherche sur la performance du système des soins", "DGOS"),
    ("PHRIP", "Programme hospitalier de recherche infirmière et paramédicale", "DGOS"),
    ("PRTS", "Programme de recherche translationnelle en santé", "ANR"),
    ("PRTK", "Programme de recherche translationnelle en cancérologie", "INCa"),
    ("RESPIR", "Appels thématiques (ReSP-IR, ReCH-MIE, DAtAE…)", "DGOS"),
]

#: Calls whose code differs from their programme's (variants of the open data).
CALL_PROGRAMME = {
    "PREPS-IQ": "PREPS",
    "PREPS-DP": "PREPS",
    "PREPS-TSN": "PREPS",
    "RESP-IR": "RESPIR",
    "RECH-MIE": "RESPIR",
    "DATAE": "RESPIR",
}

EVIDENCE_TYPES = [
    ("registry-record", "Enregistrement au registre d'essais"),
    ("regulatory-opinion", "Avis CPP / autorisation ANSM"),
    ("inclusion-attestation", "Attestation de première inclusion"),
    ("inclusion-report", "Rapport d'inclusions"),
    ("final-report", "Rapport final"),
    ("results-link", "Lien vers les résultats postés au registre"),
    ("publication", "Publication"),
    # Kinds met in the legacy documents of the stock (never required by a schedule by default).
    ("funding-agreement", "Convention de financement"),
    ("interim-report", "Rapport intermédiaire"),
    ("correspondence", "Courrier"),
]

#: rank, label, evidence codes, share %, planned delay in months, results milestone
DEFAULT_SCHEDULE = [
    (
        1,
        "Sélection et enregistrement (registre, avis réglementaire)",
        ["registry-record", "regulatory-opinion"],
        Decimal("30"),
        6,
        False,
    ),
    (2, "Inclusion du premier participant", ["inclusion-attestation"], Decimal("20"), 12, False),
    (3, "Moitié des inclusions prévues", ["inclusion-report"], Decimal("20"), 30, False),
    (4, "Dernier participant inclus / fin du suivi", ["inclusion-report"], Decimal("20"), 48, False),
    (
        5,
        "Rapport final et résultats postés au registre",
        ["final-report", "results-link"],
        Decimal("10"),
        60,
        True,
    ),
]

DISCIPLINES = [
    ("anesthesiologie-reanimation", "Anesthésiologie / réanimation"),
    ("cancerologie", "Cancérologie"),
    ("cardiologie", "Cardiologie"),
    ("chirurgie", "Chirurgie"),
    ("dermatologie", "Dermatologie"),
    ("economie-sante", "Économie de la santé"),
    ("endocrinologie", "Endocrinologie / diabétologie / nutrition"),
    ("gastro-enterologie", "Gastro-entérologie / hépatologie"),
    ("genetique", "Génétique"),
    ("geriatrie", "Gériatrie"),
    ("gynecologie-obstetrique", "Gynécologie / obstétrique"),
    ("hematologie", "Hématologie"),
    ("imagerie", "Imagerie / radiologie"),
    ("infectiologie", "Infectiologie / hygiène"),
    ("medecine-generale", "Médecine générale"),
    ("medecine-interne", "Médecine interne"),
    ("medecine-urgence", "Médecine d'urgence"),
    ("mpr", "Médecine physique et réadaptation"),
    ("nephrologie", "Néphrologie"),
    ("neurologie", "Neurologie"),
    ("odontologie", "Odontologie"),
    ("ophtalmologie", "Ophtalmologie"),
    ("organisation-soins", "Organisation des soins"),
    ("orl", "ORL"),
    ("pediatrie", "Pédiatrie / néonatalogie"),
    ("pharmacologie", "Pharmacologie"),
    ("pneumologie", "Pneumologie"),
    ("psychiatrie", "Psychiatrie / addictologie"),
    ("rhumatologie", "Rhumatologie"),
    ("sante-publique", "Santé publique / épidémiologie"),
    ("soins-infirmiers", "Soins infirmiers et paramédicaux"),
    ("urologie", "Urologie"),
    ("vasculaire", "Médecine vasculaire"),
    ("autre", "Autre"),
]


@transaction.atomic
def ensure_reference_data() -> None:
    """Create what is missing of the reference vocabularies: three reads when all is there."""
    from workflows.models import Discipline, EvidenceType, Programme

    rows = [
        (
            Programme,
            [Programme(code=code, name=name, operator=operator) for code, name, operator in PROGRAMMES],
        ),
        (EvidenceType, [EvidenceType(code=code, label=label) for code, label in EVIDENCE_TYPES]),
        (Discipline, [Discipline(code=code, label=label) for code, label in DISCIPLINES]),
    ]
    for model, wanted in rows:
        present = set(model.objects.values_list("code", flat=True))
        missing = [row for row in wanted if row.code not in present]
        if missing:
            model.objects.bulk_create(missing, ignore_conflicts=True)


def programme_code_for_call(call_code: str) -> str:
    return CALL_PROGRAMME.get(call_code.upper(), call_code.upper())


def get_or_create_call(code: str, year: int, *, results_rule_from: int = 2024):
    """The call and, when new, its default schedule (v1); the 2024 results rule applies from 2024."""
    return get_or_create_calls([(code, year)], results_rule_from=results_rule_from)[(code.upper(), year)]


@transaction.atomic
def get_or_create_calls(keys, *, results_rule_from: int = 2024) -> dict:
    """`get_or_create_call` for many (code, year) at once: {(CODE, year): call}.

    The new calls, their schedules, milestone templates and evidence links are written with one
    bulk insert per table (an import meets ~85 calls), and Wagtail's reference index is told of
    the calls and schedules as a save would.
    """
    from wagtail.models import ReferenceIndex
    from wagtail.tasks import update_reference_index_task

    from workflows.models import Call, EvidenceType, FundingSchedule, MilestoneTemplate, Programme

    wanted = {(code.upper(), year) for code, year in keys}
    if not wanted:
        return {}
    found = {}
    for call in Call.objects.filter(code__in={code for code, _year in wanted}).select_related("programme"):
        if (call.code, call.year) in wanted:
            found.setdefault((call.code, call.year), call)
    missing = sorted(wanted - found.keys())
    if not missing:
        return found
    programmes = {
        p.code: p
        for p in Programme.objects.filter(code__in={programme_code_for_call(code) for code, _year in missing})
    }
    new_calls = []
    for code, year in missing:
        programme = programmes.get(programme_code_for_call(code))
        if programme is None:
            raise Programme.DoesNotExist(f"Programme {programme_code_for_call(code)}")
        new_calls.append(Call(programme=programme, code=code, year=year, title=f"{programme.name} {year}"))
    Call.objects.bulk_create(new_calls)
    schedules = FundingSchedule.objects.bulk_create(
        [
            FundingSchedule(
                call=call, version=1, results_required_for_last_tranche=call.year >= results_rule_from
            )
            for call in new_calls
        ]
    )
    templates = MilestoneTemplate.objects.bulk_create(
        [
            MilestoneTemplate(
                schedule=schedule,
                rank=rank,
                label=label,
                share_percent=share,
                planned_delay_months=delay,
                is_results_milestone=results,
            )
            for schedule in schedules
            for rank, label, _codes, share, delay, results in DEFAULT_SCHEDULE
        ]
    )
    evidence = dict(EvidenceType.objects.values_list("code", "pk"))
    codes_by_rank = {rank: codes for rank, _label, codes, *_rest in DEFAULT_SCHEDULE}
    through = MilestoneTemplate.evidence_types.through
    through.objects.bulk_create(
        [
            through(milestonetemplate_id=template.pk, evidencetype_id=evidence[code])
            for template in templates
            for code in codes_by_rank[template.rank]
            if code in evidence
        ]
    )
    for obj in [*new_calls, *schedules]:
        if ReferenceIndex.is_indexed(type(obj)):
            update_reference_index_task.enqueue(obj._meta.app_label, obj._meta.model_name, str(obj.pk))
    found.update({(call.code, call.year): call for call in new_calls})
    return found
