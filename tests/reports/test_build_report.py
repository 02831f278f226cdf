"""build_report: one sheet per indicator with French headers, a PDF summary, French errors."""

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from reports.registry import INDICATORS

pytestmark = pytest.mark.django_db


def test_workbook_and_pdf(portfolio, tmp_path):
    out = tmp_path / "rapport.xlsx"
    call_command("build_report", "--as-of", "2018-03-10", "--out", str(out))
    book = openpyxl.load_workbook(out)
    assert len(book.sheetnames) == len(INDICATORS)
    sheet = book[book.sheetnames[0]]
    assert sheet["A1"].value == INDICATORS["awards_by_programme"].title
    assert sheet["A2"].value.startswith("Au 10 mars 2018")
    assert [c.value for c in sheet[4]] == [
        "Programme",
        "Projets",
        "Montant attribué (€)",
        "Montant délégué (€)",
    ]
    assert [c.value for c in sheet[6]] == ["PHRCN", 2, 150000, 55000]
    pdf = PdfReader(tmp_path / "rapport.pdf")
    assert len(pdf.pages) == 1 + len(INDICATORS)
    assert "10 mars 2018" in pdf.pages[0].extract_text()


@pytest.mark.parametrize(
    ("as_of", "out", "message"),
    [
        ("2018-02-30", "r.xlsx", "Date invalide"),
        ("2999-01-01", "r.xlsx", "dans le futur"),
        ("2018-03-10", "r.csv", "doit se terminer par .xlsx"),
        ("2018-03-10", "absent/r.xlsx", "n'existe pas"),
    ],
)
def test_clear_french_errors(reference, tmp_path, as_of, out, message):
    with pytest.raises(CommandError, match=message):
        call_command("build_report", "--as-of", as_of, "--out", str(tmp_path / out))
    assert not list(tmp_path.iterdir())
