"""README.md carries the state diagrams and the permission table generated from the code."""

from workflows import diagram


def test_docs_workflow_md_is_up_to_date():
    current = diagram.DOC_PATH.read_text(encoding="utf-8")
    assert diagram.replace_block(current) == current, (
        "README.md is out of date: run `python manage.py workflow_diagram --write`"
    )


def test_diagram_follows_the_fsm():
    block = diagram.render_block()
    assert "under_review --> validated: validate" in block
    assert "changes_requested --> submitted: resubmit" in block
    assert "| `withdraw` | `draft`, `submitted`, `changes_requested` | `withdrawn` |" in block
