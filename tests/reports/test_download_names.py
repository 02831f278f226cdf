"""Chart and table downloads are named in French after their title (issue 27, item 8), not after
the indicator's identifier (`sirano-awards_by_programme.csv`)."""

from __future__ import annotations

import pytest

from demo.indicators import create_indicators_page


@pytest.fixture
def page(portfolio):
    return create_indicators_page()


@pytest.mark.parametrize("file_format", ["csv", "svg"])
def test_public_download_is_named_after_the_title(client, page, file_format):
    response = client.get(f"/indicateurs/awards_by_programme/{file_format}/")
    assert response.status_code == 200
    expected = f'filename="sirano-financements-attribues-et-delegues-par-programme.{file_format}"'
    assert expected in response["Content-Disposition"]
