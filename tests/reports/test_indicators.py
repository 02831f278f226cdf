"""Each indicator against figures computed by hand on the portfolio of conftest.py, on dates
before and after the transitions that change them."""

import datetime

import pytest

from reports import indicators

pytestmark = pytest.mark.django_db

BEFORE_VALIDATION = datetime.date(2017, 3, 1)  # P1 rank 1 under review
AFTER_DELEGATION = datetime.date(2017, 4, 30)  # P1 rank 1 delegated on 10 April
SPRING_2018 = datetime.date(2018, 3, 10)


def rows(key, as_of, **filters):
    return indicators.get(key, as_of=as_of, **filters).to_dict("records")


def test_awards_by_programme_before_and_after_delegation(portfolio):
    assert rows("awards_by_programme", BEFORE_VALIDATION) == [
        # P1 + P3; only P3's historical tranche 1 (15 000, verified 1/12/2016) is delegated.
        {"label": "PHRCN", "projects": 2, "awarded": 150000.0, "delegated": 15000.0}
    ]
    assert rows("awards_by_programme", AFTER_DELEGATION)[0]["delegated"] == 45000.0
    assert rows("awards_by_programme", SPRING_2018) == [
        {"label": "PHRCI", "projects": 2, "awarded": 300000.0, "delegated": 0.0},
        # 30 000 (P1 rank 1, paid) + 15 000 + 10 000 (P3 stock)
        {"label": "PHRCN", "projects": 2, "awarded": 150000.0, "delegated": 55000.0},
    ]


def test_awards_by_year_region_type_discipline(portfolio):
    assert rows("awards_by_year", SPRING_2018) == [
        {"label": 2016, "projects": 2, "awarded": 150000.0, "delegated": 55000.0},
        {"label": 2017, "projects": 2, "awarded": 300000.0, "delegated": 0.0},
    ]
    assert [(r["label"], r["awarded"], r["delegated"]) for r in rows("awards_by_region", SPRING_2018)] == [
        ("Île-de-France", 300000.0, 0.0),
        ("Auvergne-Rhône-Alpes", 100000.0, 30000.0),
        ("Provence-Alpes-Côte d'Azur", 50000.0, 25000.0),
    ]
    assert [
        (r["label"][:4], r["projects"], r["awarded"])
        for r in rows("awards_by_establishment_type", SPRING_2018)
    ] == [("CHUR", 3, 400000.0), ("CH —", 1, 50000.0)]
    assert [
        (r["label"], r["projects"], r["delegated"]) for r in rows("awards_by_discipline", SPRING_2018)
    ] == [
        ("Cardiologie", 2, 30000.0),
        ("Neurologie", 1, 25000.0),
        ("Non renseignée", 1, 0.0),
    ]


def test_filters(portfolio):
    assert rows("awards_by_year", SPRING_2018, programme="PHRCI") == [
        {"label": 2017, "projects": 2, "awarded": 300000.0, "delegated": 0.0}
    ]
    assert [r["label"] for r in rows("awards_by_programme", SPRING_2018, region="PAC")] == ["PHRCN"]
    assert rows("awards_by_programme", SPRING_2018, year=2015) == []


def test_funding_by_year(portfolio):
    assert rows("funding_by_year", BEFORE_VALIDATION) == [
        {"year": 2016, "n_delegated": 1, "delegated": 15000.0, "n_paid": 0, "paid": 0.0}
    ]
    assert rows("funding_by_year", SPRING_2018) == [
        {"year": 2016, "n_delegated": 1, "delegated": 15000.0, "n_paid": 0, "paid": 0.0},
        # P1 rank 1 delegated 10/4 and paid 20/5/2017; P3 tranche 2 verified 15/6/2017.
        {"year": 2017, "n_delegated": 2, "delegated": 40000.0, "n_paid": 1, "paid": 30000.0},
    ]


def _pipeline(as_of):
    return {r["state"]: (r["count"], r["amount"]) for r in rows("tranche_pipeline", as_of) if r["count"]}


def _historical(as_of):
    return {
        r["state"]: (r["count_historical"], r["amount_historical"])
        for r in rows("tranche_pipeline", as_of)
        if r["count_historical"]
    }


def test_pipeline_rebuilt_from_audit_trail(portfolio):
    # P3's historical tranches are delegated (split apart), dated by their milestone's verification.
    assert _pipeline(BEFORE_VALIDATION) == {"under_review": (1, 30000.0), "delegated": (1, 15000.0)}
    assert _historical(BEFORE_VALIDATION) == {"delegated": (1, 15000.0)}
    assert _pipeline(AFTER_DELEGATION) == {"delegated": (2, 45000.0)}
    assert _historical(AFTER_DELEGATION) == {"delegated": (1, 15000.0)}
    # 25 July 2017: P1 rank 2 waits for changes (asked on 20 July).
    assert _pipeline(datetime.date(2017, 7, 25)) == {
        "changes_requested": (1, 20000.0),
        "paid": (1, 30000.0),
        "delegated": (2, 25000.0),
    }
    assert _pipeline(SPRING_2018) == {
        "submitted": (2, 90000.0),  # P2 new request (5/3) + P4 imported: validated 20/3 → submitted 1/3
        "validated": (1, 20000.0),
        "paid": (1, 30000.0),
        "rejected": (1, 60000.0),
        "delegated": (2, 25000.0),
    }
    assert _historical(SPRING_2018) == {"delegated": (2, 25000.0)}
    # Before 1 March the imported request did not exist; after 20 March it is validated.
    feb = _pipeline(datetime.date(2018, 2, 28))
    assert "submitted" not in feb and feb["rejected"] == (1, 60000.0)
    assert _pipeline(datetime.date(2018, 3, 25))["validated"] == (2, 50000.0)


def test_pipeline_today_matches_current_states(portfolio):
    today = {r["state"]: r["count"] for r in rows("tranche_pipeline", None)}
    assert (
        today["paid"] == 1 and today["validated"] == 2 and today["submitted"] == 1 and today["rejected"] == 1
    )


def _delays(as_of):
    return {
        (r["programme"], r["segment"]): (r["n"], r["median_days"], r["p90_days"])
        for r in rows("milestone_delays", as_of)
    }


def test_milestone_delays(portfolio):
    assert _delays(BEFORE_VALIDATION) == {("PHRCN", "declared_to_validated"): (1, 30.0, 30.0)}
    after = _delays(SPRING_2018)
    # declared → validated: P1 r1 69 d, P1 r2 62 d, P3 stock 30 d and 45 d.
    assert after[("PHRCN", "declared_to_validated")] == (4, 53.5, pytest.approx(66.9))
    assert after[("PHRCN", "validated_to_delegated")] == (1, 26.0, 26.0)
    assert after[("PHRCN", "delegated_to_paid")] == (1, 40.0, 40.0)
    assert after[("PHRCN", "declared_to_paid")] == (1, 135.0, 135.0)
    assert not any(programme == "PHRCI" for programme, _segment in after)


def test_late_milestones_by_establishment(portfolio):
    assert rows("late_milestones_by_establishment", SPRING_2018) == []
    late = rows("late_milestones_by_establishment", datetime.date(2018, 7, 12))
    # P2 and P4 rank 2 were due on 1 June 2018; P2's declaration is recorded only on 15 July.
    assert late == [
        {
            "establishment": "ASSISTANCE PUBLIQUE-HOPITAUX DE PARIS",
            "region": "Île-de-France",
            "late_milestones": 2,
            "projects": 2,
            "median_days_late": 41.0,
            "max_days_late": 41,
        }
    ]
    after = rows("late_milestones_by_establishment", datetime.date(2018, 8, 1))
    assert [(r["late_milestones"], r["max_days_late"]) for r in after] == [(1, 61)]


def test_tranche_forecast(portfolio):
    def months(as_of):
        return {
            r["month"].isoformat(): (r["count"], r["amount"])
            for r in rows("tranche_forecast", as_of)
            if r["count"]
        }

    forecast = rows("tranche_forecast", SPRING_2018)
    assert (
        len(forecast) == 12
        and forecast[0]["month_label"] == "mars 2018"
        and forecast[-1]["month_label"] == "février 2019"
    )
    # Medians on 10/3/2018: planned → delegated 14 d, declared → delegated 45 d, validated → delegated 26 d.
    assert months(SPRING_2018) == {
        "2018-03-01": (2, 80000.0),  # P1 r2 (validated, overdue) + P2 r1 (declared 10/1 + 45 d, overdue)
        "2018-04-01": (1, 30000.0),  # P4 r1 declared 20/2 + 45 d = 6/4
        "2018-06-01": (2, 60000.0),  # P2 r2 and P4 r2 planned 1/6 + 14 d
        "2018-12-01": (2, 30000.0),  # P1 r3 and P3 r3 planned 1/12 + 14 d
    }
    # Before the first delegation through SIRANo only the stock informs the medians (0 d and 30 d).
    assert months(BEFORE_VALIDATION) == {"2017-03-01": (1, 30000.0), "2017-06-01": (2, 30000.0)}


def test_unknown_indicator_and_bad_filters(portfolio):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Indicateur inconnu"):
        indicators.get("nope")
    with pytest.raises(ValidationError, match="Région inconnue"):
        indicators.get("awards_by_programme", region="XX")
    with pytest.raises(ValidationError, match="Date invalide"):
        indicators.get("awards_by_programme", as_of="2018-13-45")
    with pytest.raises(ValidationError, match="dans le futur"):
        indicators.get("awards_by_programme", as_of=datetime.date.today() + datetime.timedelta(days=3))


def test_definitions_take_as_of_and_value_sums_a_column(portfolio):
    from reports import definitions

    direct = definitions.funding_by_year(as_of=SPRING_2018).to_dict("records")
    assert direct == rows("funding_by_year", SPRING_2018)
    assert indicators.value("funding_by_year", "delegated", as_of=SPRING_2018) == 55000.0
    assert indicators.value("awards_by_programme", "projects", as_of=SPRING_2018, programme="PHRCI") == 2


def test_empty_portfolio_gives_empty_tables_and_charts(reference):
    frames = indicators.build_all()
    assert set(frames) == set(indicators.INDICATORS)
    assert all(frames[key].empty for key in frames if key not in ("tranche_pipeline", "tranche_forecast"))
    assert frames["tranche_pipeline"]["count"].sum() == 0 and len(frames["tranche_forecast"]) == 12
    for key in frames:
        assert b"Aucune donn" in indicators.chart(key, "svg") or key in (
            "tranche_pipeline",
            "tranche_forecast",
        )
        assert indicators.table(key).alt
