"""Import of a ZIP of ~40 legacy documents: the matched / review / unmatched split, types,
duplicates, refused files with French reasons, idempotence and the dry run."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ingest.documents.services import import_documents
from ingest.documents.sources import SourceRefused
from workflows.models import AuditEvent, DocumentImportRun, LegacyDocument

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"


@pytest.fixture
def zip_path(tmp_path, archive) -> Path:
    path = tmp_path / "stock.zip"
    path.write_bytes(archive.data)
    return path


def by_file(entries: list[dict]) -> dict[str, dict]:
    return {entry["file"]: entry for entry in entries}


def test_zip_of_legacy_documents_is_split_and_typed(zip_path, archive, instructing_agent, settings):
    run = import_documents(path=zip_path, actor=instructing_agent)
    report = run.report

    matched = by_file(report["matched"])
    assert {name: (e["project"], e["type"]) for name, e in matched.items()} == archive.matched
    assert all(e["confidence"] >= 0.85 for e in matched.values())
    review = by_file(report["review"])
    assert set(review) == set(archive.review)
    for name, public_id in archive.review.items():
        if public_id:
            assert review[name]["project"] == public_id
        assert 0.5 <= review[name]["confidence"] <= 1
    shared = review["Rapports/rapport_final_essai_partage.pdf"]
    assert len(shared["candidates"]) == 2  # one trial funded by two projects: an agent chooses
    assert review["vrac/notes.txt"]["type"] is None  # sure project, unknown type
    assert set(by_file(report["unmatched"])) == archive.unmatched
    assert set(by_file(report["duplicates"])) == archive.duplicates
    assert by_file(report["duplicates"])["Sauvegarde/convention.pdf"]["duplicate_of"].endswith(".pdf")
    refused = by_file(report["refused"])
    assert set(refused) == archive.refused
    assert "chiffré" in refused["CPP/avis_chiffre.pdf"]["reason"]
    assert "hors de l'archive" in refused["../hors_archive.txt"]["reason"]
    assert "non pris en charge" in refused["Photos/scan.png"]["reason"]
    assert (run.total, run.done) == (38, 38)  # the __MACOSX entry is skipped
    assert (run.matched_count, run.review_count, run.unmatched_count, run.duplicate_count, run.refused_count) == (
        18, 6, 6, 3, 5,
    )  # fmt: skip

    # Sure matches are attached as historical evidence; the rest wait in the review queue.
    attached = LegacyDocument.objects.attached()
    assert attached.count() == 18
    assert LegacyDocument.objects.to_review().count() == 12
    assert not LegacyDocument.objects.filter(source_path__in=archive.refused | archive.duplicates).exists()
    document = attached.get(source_path="CPP/avis_cpp_oncovax.pdf")
    assert document.evidence_type.code == "regulatory-opinion"
    assert "Comité de protection des personnes" in document.text
    assert len(document.sha256) == 64 and document.content_type == "application/pdf"
    # Files are private, under PRIVATE_STORAGE_ROOT, never under a web root.
    stored = Path(document.file.path)
    assert stored.is_relative_to(Path(settings.PRIVATE_STORAGE_ROOT) / "legacy")
    assert stored.read_bytes()[:5] == b"%PDF-"
    assert AuditEvent.objects.filter(action="attach_legacy_document").count() == 18
    assert AuditEvent.objects.filter(action="import_documents").count() == 1


def test_second_import_is_idempotent(zip_path, archive):
    import_documents(path=zip_path)
    files = sorted(
        p for p in Path(LegacyDocument.objects.first().file.path).parents[1].rglob("*") if p.is_file()
    )

    again = import_documents(path=zip_path)

    assert LegacyDocument.objects.count() == 30
    assert again.matched_count == again.review_count == again.unmatched_count == 0
    assert again.duplicate_count == 30 + 3
    assert all(
        e.get("already_imported") for e in again.report["duplicates"] if e["file"] not in archive.duplicates
    )
    assert sorted(p for p in files[0].parents[1].rglob("*") if p.is_file()) == files


def stored_files() -> set[Path]:
    root = Path(LegacyDocument.file.field.storage.location) / "legacy"
    return set(root.rglob("*")) if root.exists() else set()


def test_dry_run_writes_nothing(zip_path):
    before = stored_files()
    run = import_documents(path=zip_path, dry_run=True)
    assert run.status == DocumentImportRun.Status.DRY_RUN and run.matched_count == 18
    assert not LegacyDocument.objects.exists()
    assert not AuditEvent.objects.exists()
    assert stored_files() == before


def test_folder_source_any_layout(tmp_path, archive):
    folder = tmp_path / "partage"
    with zipfile.ZipFile(io.BytesIO(archive.data)) as source:
        for name in source.namelist():
            if ".." in name:
                continue
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read(name))
    run = import_documents(path=folder)
    assert (run.matched_count, run.review_count, run.unmatched_count, run.duplicate_count) == (18, 6, 6, 3)
    assert run.refused_count == 4  # no forged name in a real folder


def test_zip_bomb_and_oversized_files_are_refused(tmp_path, settings, portfolio):
    settings.DOCUMENT_IMPORT_MAX_FILE = 100_000
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("zeros.txt", b"0" * 90_000)  # compresses ~1000:1
        out.writestr("big.txt", b"Rapport final " + bytes(range(256)) * 800)
        out.writestr("ok.txt", f"Rapport final {portfolio.cardio.public_id}".encode())
    run = import_documents(path=path)
    refused = by_file(run.report["refused"])
    assert "bombe de décompression" in refused["zeros.txt"]["reason"]
    assert "trop volumineux" in refused["big.txt"]["reason"]
    assert run.matched_count == 1

    settings.DOCUMENT_IMPORT_MAX_ARCHIVE = 50_000
    with pytest.raises(SourceRefused, match="bombe de décompression"):
        import_documents(path=path)
    failed = DocumentImportRun.objects.latest("pk")
    assert failed.status == DocumentImportRun.Status.FAILED and "Archive refusée" in failed.error
    assert LegacyDocument.objects.count() == 1


def test_command_writes_the_report(zip_path, tmp_path, capsys):
    report_path = tmp_path / "report.json"
    call_command("import_documents", str(zip_path), "--report", str(report_path))
    out = capsys.readouterr()
    assert out.out.strip().splitlines()[-1] == "matched=18 review=6 unmatched=6 duplicates=3 refused=5"
    assert "CPP/avis_chiffre.pdf : PDF chiffré" in out.err
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert {"matched", "review", "unmatched", "duplicates"} <= set(report)
    assert set(report["matched"][0]) >= {"file", "project", "type", "confidence"}

    call_command("import_documents", str(zip_path), "--dry-run")
    assert capsys.readouterr().out.strip() == "matched=0 review=0 unmatched=0 duplicates=33 refused=5"


def test_command_refuses_what_is_not_a_folder_or_zip(tmp_path):
    path = tmp_path / "note.txt"
    path.write_text("x")
    with pytest.raises(CommandError, match="ni un dossier ni une archive ZIP") as error:
        call_command("import_documents", str(path))
    assert error.value.returncode == 2
