"""Key figures are cached, yet a delegation shows at the next view (no fixed expiry to wait for)."""

from decimal import Decimal

import pytest

from content.figures import totals_for
from tests.tranche_support import advance_tranche


@pytest.mark.django_db
def test_delegation_shows_in_key_figures_at_next_view(project_a, member_a, instructing_agent, budget_agent):
    before = totals_for()
    assert totals_for() == before  # served from the cache
    advance_tranche(
        project_a.milestones.get(rank=1),
        until="delegated",
        member=member_a,
        agent=instructing_agent,
        budget=budget_agent,
    )
    after = totals_for()
    assert after["delegated"] - before["delegated"] == Decimal("30000.00")  # 30 % of 100 000 €
