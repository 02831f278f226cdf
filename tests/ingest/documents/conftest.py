"""A small portfolio whose identifiers the legacy documents cite, and a ZIP of ~40 documents."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.factories import ProjectFactory, UserFactory
from tests.ingest.documents.builders import (
    make_docx,
    make_encrypted_pdf,
    make_odt,
    make_pdf,
    make_xlsx,
    make_zip,
)
from workflows.models import TrialRegistration
from workflows.reference import get_or_create_call
from workflows.roles import Role


@dataclass
class Portfolio:
    cardio: object
    oncovax: object
    parcours: object
    shared_a: object
    shared_b: object
    diamant_n: object
    diamant_i: object


@pytest.fixture
def portfolio(establishment_a, establishment_b):
    def project(code, year, acronym, title, establishment, *registries):
        created = ProjectFactory(
            call=get_or_create_call(code, year), acronym=acronym, title=title, establishment=establishment
        )
        for registry, identifier in registries:
            created.registrations.add(
                TrialRegistration.objects.create(registry=registry, identifier=identifier)
            )
        return created

    shared = TrialRegistration.objects.create(registry="clinicaltrials", identifier="NCT09999999")
    portfolio = Portfolio(
        cardio=project(
            "PHRCN", 2016, "CARDIOSTIM", "Stimulation cardiaque précoce après infarctus du myocarde",
            establishment_a, ("clinicaltrials", "NCT02611440"),
        ),
        oncovax=project(
            "PHRCK", 2018, "ONCOVAX", "Vaccination thérapeutique dans le cancer du poumon avancé",
            establishment_b, ("idrcb", "2018-A01234-56"),
        ),
        parcours=project(
            "PREPS", 2019, "PARCOURS", "Organisation du parcours de soins des patients âgés fragiles",
            establishment_a,
        ),
        shared_a=project("PHRCN", 2015, "TRIALA", "Premier volet d'un essai partagé", establishment_a),
        shared_b=project("PHRCI", 2015, "TRIALB", "Second volet d'un essai partagé", establishment_b),
        diamant_n=project("PHRCN", 2017, "DIAMANT", "Diabète et amputation : étude nationale", establishment_a),
        diamant_i=project("PHRCI", 2017, "DIAMANT", "Diabète et amputation : volet interrégional", establishment_b),
    )  # fmt: skip
    portfolio.shared_a.registrations.add(shared)
    portfolio.shared_b.registrations.add(shared)
    return portfolio


@dataclass
class Archive:
    data: bytes
    matched: dict[str, tuple[str, str]]  # file → (public id, evidence type)
    review: dict[str, str | None]  # file → suggested public id
    unmatched: set[str]
    duplicates: set[str]
    refused: set[str]


@pytest.fixture
def archive(portfolio) -> Archive:
    """~40 documents in nested folders, every format, with duplicates and bad files."""
    p = portfolio
    cardio, oncovax, parcours = p.cardio.public_id, p.oncovax.public_id, p.parcours.public_id
    matched: dict[str, tuple[bytes, str, str]] = {
        # public id
        f"DRCI Lyon/Conventions/2016/convention_{cardio}.pdf": (
            make_pdf(f"CONVENTION DE FINANCEMENT\nProjet {cardio}\nEntre le CHU et la DGOS"), cardio, "funding-agreement"),
        "DRCI Lyon/Conventions/2016/avenant_cardio.docx": (
            make_docx(f"Convention - avenant n°1\nRéférence SIRANo : {cardio}"), cardio, "funding-agreement"),
        f"scans/{parcours}_courrier.txt": (
            f"Courrier\nMadame, Monsieur,\nObjet : projet {parcours}\n".encode("cp1252"), parcours, "correspondence"),
        "vrac/attestation.odt": (
            make_odt(f"Attestation de première inclusion\nProjet {oncovax}\nPremier patient inclus le 3 mars"), oncovax, "inclusion-attestation"),
        # unique registry id
        "CPP/avis_cpp_oncovax.pdf": (
            make_pdf("Comité de protection des personnes Sud-Est\nAvis favorable\nID-RCB 2018-A01234-56"), oncovax, "regulatory-opinion"),
        "Rapports/intermediaires/rapport_intermediaire_2020.odt": (
            make_odt("Rapport intermédiaire\nEssai NCT02611440\nInclusions : 120"), cardio, "interim-report"),
        "Rapports/registre/clinicaltrials_record.txt": (
            b"ClinicalTrials.gov record\nNCT02611440\nStatus: Recruiting", cardio, "registry-record"),
        "Rapports/final/CR final.docx": (
            make_docx("Rapport final\nNuméro EudraCT absent ; registre : 2018-A01234-56"), oncovax, "final-report"),
        # acronym + call + year
        "Rapports/final/rapport_final_cardiostim.docx": (
            make_docx("Rapport final de l'étude CARDIOSTIM\nPHRC national 2016\nRésultats"), cardio, "final-report"),
        "Inclusions/etat_des_inclusions.xlsx": (
            make_xlsx([["Etat des inclusions"], ["Projet", "ONCOVAX"], ["Appel", "PHRC-K", 2018], ["Inclus", 42]]), oncovax, "inclusion-report"),
        "Publications/2021/parcours_article.txt": (
            b"Publication\nPREPS 2019 - PARCOURS\ndoi:10.1000/parcours.2021", parcours, "publication"),
        "Publications/2021/publication_cardiostim.pdf": (
            make_pdf("Publication\nCARDIOSTIM trial (PHRCN 2016)\nLancet 2021"), cardio, "publication"),
        "Rapports/inclusions/rapport_d_inclusions_oncovax.pdf": (
            make_pdf("Rapport d'inclusions\nONCOVAX - PHRC K 2018\n80 patients"), oncovax, "inclusion-report"),
        "CPP/2019/avis du CPP parcours.txt": (
            "Avis du CPP Ouest\nÉtude PARCOURS, PREPS 2019\nAvis favorable".encode("cp1252"), parcours, "regulatory-opinion"),
        # FINESS of the coordinating establishment + the title's words
        "Courriers/lettre_hcl.txt": (
            "Lettre\nHospices civils de Lyon, FINESS 690781810\nObjet : organisation du parcours de soins "
            "des patients âgés fragiles\n".encode(), parcours, "correspondence"),
        "Courriers/courrier_aphp.docx": (
            make_docx("Courrier\nAP-HP FINESS 750712184\nVaccination thérapeutique dans le cancer du poumon avancé"), oncovax, "correspondence"),
        "Rapports/final/rapport final parcours.odt": (
            make_odt(f"Rapport final\n{parcours}\nSynthèse"), parcours, "final-report"),
        "Conventions/convention_oncovax.xlsx": (
            make_xlsx([["Convention de financement"], [oncovax, "tranche 1"]]), oncovax, "funding-agreement"),
    }  # fmt: skip
    review: dict[str, tuple[bytes, str | None]] = {
        # a trial funded by two projects: both candidates, an agent chooses
        "Rapports/rapport_final_essai_partage.pdf": (make_pdf("Rapport final\nEssai NCT09999999"), None),
        # acronym and year, two calls of that year carry it
        "vrac/diamant_2017.txt": (b"Rapport final DIAMANT\nCampagne 2017", None),
        # a sure project but no recognisable type
        "vrac/notes.txt": (f"Notes de réunion\n{cardio}\n".encode(), cardio),
        "vrac/divers_parcours.docx": (make_docx(f"Document\nRéférence {parcours}"), parcours),
        # the acronym alone
        "vrac/oncovax.txt": (b"Rapport final ONCOVAX", oncovax),
        "vrac/tableau_cardiostim.xlsx": (make_xlsx([["CARDIOSTIM", "budget"], [1, 2]]), cardio),
    }
    unmatched = {
        "Divers/compte_rendu_reunion.txt": b"Compte rendu de la reunion du bureau\nOrdre du jour : budget",
        "Divers/liste.docx": make_docx("Liste des participants au séminaire"),
        "Divers/planning.xlsx": make_xlsx([["Planning", "lundi"], ["mardi", "jeudi"]]),
        "Divers/note de service.pdf": make_pdf("Note de service\nFermeture des bureaux le 14 juillet"),
        "Divers/memo.odt": make_odt("Memo interne sans reference"),
        "Divers/2015/rapport_annuel_drci.txt": b"Rapport annuel de la DRCI\nActivite globale",
    }
    duplicates = {
        # same bytes as files above, in other folders or under other names
        "Sauvegarde/convention.pdf": matched[f"DRCI Lyon/Conventions/2016/convention_{cardio}.pdf"][0],
        "Mail 2019-05-02/avis.pdf": matched["CPP/avis_cpp_oncovax.pdf"][0],
        "Divers/copie compte rendu.txt": unmatched["Divers/compte_rendu_reunion.txt"],
    }
    refused = {
        "CPP/avis_chiffre.pdf": make_encrypted_pdf(f"Avis CPP {cardio}"),
        "Rapports/abime.pdf": b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ngarbage",
        "Rapports/abime.docx": b"PK\x03\x04 not really an office file",
        "Photos/scan.png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
        "../hors_archive.txt": f"Rapport final {cardio}".encode(),
    }
    files = {
        **{name: data for name, (data, _pid, _type) in matched.items()},
        **{name: data for name, (data, _pid) in review.items()},
        **unmatched,
        **duplicates,
        **refused,
        "__MACOSX/._convention.pdf": b"resource fork",
    }
    return Archive(
        data=make_zip(files),
        matched={name: (pid, kind) for name, (_data, pid, kind) in matched.items()},
        review={name: pid for name, (_data, pid) in review.items()},
        unmatched=set(unmatched),
        duplicates=set(duplicates),
        refused=set(refused),
    )


@pytest.fixture
def administrator(reference):
    return UserFactory(username="admin-dgos", roles=[Role.ADMINISTRATOR])
