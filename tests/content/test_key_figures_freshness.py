"""Key figures are cached, yet a delegation shows at the next view (no fixed expiry to wait for),
and only once it is committed: the data version moves after commit, never inside the write."""

from decimal import Decimal

import pytest
from django.db import transaction

from content.figures import totals_for
from tests.tranche_support import advance_tranche


@pytest.mark.django_db(transaction=True)  # real commits: the version moves in `on_commit`
def test_delegation_shows_in_key_figures_at_next_view(project_a, member_a, instructing_agent, budget_agent):
    before = totals_for()
    with transaction.atomic():
        advance_tranche(
            project_a.milestones.get(rank=1),
            until="delegated",
            member=member_a,
            agent=instructing_agent,
            budget=budget_agent,
        )
        # Not committed yet: the cached figures stand (a bump here could cache pre-commit data).
        assert totals_for() == before
    after = totals_for()
    assert after["delegated"] == before["delegated"] + Decimal("30000.00")  # 30 % of 100 000 €


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_write_leaves_the_cached_figures(project_a, member_a, instructing_agent, budget_agent):
    before = totals_for()
    with pytest.raises(RuntimeError), transaction.atomic():
        advance_tranche(
            project_a.milestones.get(rank=1),
            until="delegated",
            member=member_a,
            agent=instructing_agent,
            budget=budget_agent,
        )
        raise RuntimeError("rolled back")
    assert totals_for() == before
