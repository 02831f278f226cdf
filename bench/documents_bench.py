"""Legacy-document import benchmark: a ZIP of N documents, imported once; documents/s and memory.

    DATABASE_URL=postgres://… SECRET_KEY=bench .venv/bin/python bench/documents_bench.py [--documents 2000]
        [--projects 4000]

The archive mixes the formats of the stock (text 40 %, PDF 25 %, DOCX 20 %, XLSX 10 %, ODT 5 %) in
nested folders; documents cite a project by public id, registry id, acronym + call + year, or
nothing, and 5 % are byte-for-byte copies. Projects are created and the import runs inside a
transaction rolled back at the end; stored files go to a temporary directory, removed after.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import resource
import sys
import tempfile
import time
import zipfile
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sirano.settings")

import django

django.setup()

import docx  # noqa: E402
import openpyxl  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import transaction  # noqa: E402
from odf import text as odf_text  # noqa: E402
from odf.opendocument import OpenDocumentText  # noqa: E402

from ingest.documents.services import import_documents  # noqa: E402
from workflows.models import Establishment, Investigator, Project, TrialRegistration  # noqa: E402
from workflows.reference import ensure_reference_data, get_or_create_call  # noqa: E402

KINDS = ["txt"] * 8 + ["pdf"] * 5 + ["docx"] * 4 + ["xlsx"] * 2 + ["odt"]
TYPES = [
    "Convention de financement",
    "Rapport final",
    "Rapport intermédiaire",
    "Avis CPP",
    "Publication",
    "Courrier",
]
FILLER = (
    "Le présent document rend compte de l'avancement de l'étude, des inclusions réalisées dans les "
    "centres participants, des événements indésirables graves et des difficultés rencontrées. "
)


def pdf(text: str) -> bytes:
    lines = text.splitlines()
    body = " ".join(
        "(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") Tj T*" for line in lines
    )
    stream = f"BT /F1 10 Tf 12 TL 40 800 Td {body} ET".encode("cp1252", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, item in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + item + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    out.writelines(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def render(kind: str, text: str) -> bytes:
    out = io.BytesIO()
    if kind == "txt":
        return text.encode("utf-8")
    if kind == "pdf":
        return pdf(text)
    if kind == "docx":
        document = docx.Document()
        for line in text.splitlines():
            document.add_paragraph(line)
        document.save(out)
    elif kind == "xlsx":
        workbook = openpyxl.Workbook()
        for line in text.splitlines():
            workbook.active.append([line])
        workbook.save(out)
    else:
        document = OpenDocumentText()
        for line in text.splitlines():
            document.text.addElement(odf_text.P(text=line))
        document.save(out)
    return out.getvalue()


def create_projects(count: int, rng: random.Random) -> list[tuple[str, str, str, int, str]]:
    """(public id, acronym, call code, year, registry id) of `count` new projects."""
    ensure_reference_data()
    establishment, _ = Establishment.objects.get_or_create(
        finess="690781810", defaults={"name": "HOSPICES CIVILS DE LYON", "type": "CHUR", "region": "ARA"}
    )
    investigator = Investigator.objects.create(last_name="BENCH", first_name="Documents")
    calls = [
        get_or_create_call(code, year) for code in ("PHRCN", "PHRCK", "PREPS") for year in range(2012, 2022)
    ]
    projects, registrations = [], []
    for index in range(count):
        call = calls[index % len(calls)]
        sequence = 9000 + index
        projects.append(
            Project(
                call=call,
                sequence=sequence,
                public_id=Project.build_public_id(call, sequence),
                acronym=f"DOCB{index:05d}",
                title=f"Étude de référence numéro {index}",
                establishment=establishment,
                investigator=investigator,
                award_amount=Decimal(100000),
                selected_on=f"{call.year}-01-01",
            )
        )
        registrations.append(TrialRegistration(registry="clinicaltrials", identifier=f"NCT9{index:07d}"))
    projects = Project.objects.bulk_create(projects, batch_size=1000)
    registrations = TrialRegistration.objects.bulk_create(registrations, batch_size=1000)
    Project.registrations.through.objects.bulk_create(
        [
            Project.registrations.through(project_id=p.pk, trialregistration_id=r.pk)
            for p, r in zip(projects, registrations, strict=True)
        ],
        batch_size=1000,
    )
    return [
        (p.public_id, p.acronym, p.call.code, p.call.year, r.identifier)
        for p, r in zip(projects, registrations, strict=True)
    ]


def build_zip(path: Path, documents: int, projects: list, rng: random.Random) -> None:
    made: list[bytes] = []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for index in range(documents):
            folder = f"DRCI {index % 12}/{2012 + index % 10}/{rng.choice(['Conventions', 'Rapports', 'Courriers', 'Divers'])}"
            if made and rng.random() < 0.05:
                archive.writestr(f"{folder}/copie_{index}.bin.txt", made[rng.randrange(len(made))])
                continue
            kind = rng.choice(KINDS)
            public_id, acronym, code, year, registry = rng.choice(projects)
            cite = rng.choice(
                [
                    f"Projet {public_id}",
                    f"Essai {registry}",
                    f"Étude {acronym} ({code} {year})",
                    "Sans référence",
                ]
            )
            text = f"{rng.choice(TYPES)}\n{cite}\nDocument {index}\n" + FILLER * rng.randint(3, 30)
            data = render(kind, text)
            if kind == "txt":
                made.append(data)
            archive.writestr(f"{folder}/document_{index}.{kind}", data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--projects", type=int, default=4000)
    args = parser.parse_args()
    rng = random.Random(2026)
    with tempfile.TemporaryDirectory() as folder:
        settings.PRIVATE_STORAGE_ROOT = Path(folder) / "private"
        archive = Path(folder) / "stock.zip"
        with transaction.atomic():
            started = time.perf_counter()
            projects = create_projects(args.projects, rng)
            build_zip(archive, args.documents, projects, rng)
            print(
                f"prepared {args.projects} projects and {args.documents} documents "
                f"({archive.stat().st_size / 2**20:.1f} MiB ZIP) in {time.perf_counter() - started:.1f} s"
            )
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            started = time.perf_counter()
            run = import_documents(path=archive)
            elapsed = time.perf_counter() - started
            rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            transaction.set_rollback(True)
    print(
        f"imported {run.total} documents in {elapsed:.1f} s: {run.total / elapsed:.1f} documents/s "
        f"(matched={run.matched_count} review={run.review_count} unmatched={run.unmatched_count} "
        f"duplicates={run.duplicate_count} refused={run.refused_count})"
    )
    print(
        f"peak RSS: {rss_after:.0f} MiB (before import {rss_before:.0f} MiB, +{rss_after - rss_before:.0f} MiB)"
    )


if __name__ == "__main__":
    main()
