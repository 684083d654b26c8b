"""Common problems across labs: SQL-aggregated ranking, cohorts, drill-down, heat map, training, reports."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import event

from app.assessment.model import LabProfile
from app.services.errors import ValidationError
from app.services.portfolio import Cohort, PortfolioService, pseudonym
from app.storage.orm import Answer

pytestmark = pytest.mark.integration

D = dt.date(2026, 5, 1)


def _lab(svc, name, industry, fields, gaps: dict[str, str], on=D, conform=("T-4.1-01", "T-6.4-02", "T-7.2-02")):
    lab = svc.labs.add(LabProfile(name=name, industry=industry, size="small", test_fields=fields))
    a = svc.assessments.create(lab.id, ["mini-cl01"], assessed_on=on)
    for item in conform:
        if item not in gaps:
            svc.assessments.answer(a.id, item, "conform")
    for item, status in gaps.items():
        svc.assessments.answer(a.id, item, status)
    return lab, a


@pytest.fixture
def portfolio(any_services):
    """Five labs: 4 of 5 lack intermediate checks (T-6.4-01); lab A has an older, worse assessment too."""
    s = any_services
    lab_a, old = _lab(
        s,
        "甲 Appliance A",
        "appliance",
        ("appliance_safety",),
        {"T-6.4-01": "nonconform", "T-7.2-01": "nonconform", "T-4.1-01": "nonconform"},
        on=D - dt.timedelta(days=200),
    )
    f = s.followups.start_followup(old.id, date=D)
    s.assessments.answer(f.id, "T-4.1-01", "conform")  # fixed since; 6.4-01 and 7.2-01 still open
    _lab(
        s,
        "乙 Lighting B",
        "lighting",
        ("luminaire_safety", "photometry"),
        {"T-6.4-01": "partial", "T-7.2-01": "partial"},
    )
    _lab(s, "丙 Lighting C", "lighting", ("luminaire_safety",), {"T-6.4-01": "nonconform"})
    _lab(
        s,
        "丁 Appliance D",
        "appliance",
        ("appliance_safety", "emc"),
        {"T-6.4-01": "partial"},
        on=D + dt.timedelta(days=30),
    )
    _lab(s, "戊 Other E", "other", ("chemical",), {"T-8.8-01": "partial", "T-6.4-01": "conform"})
    return s


def test_items_and_clauses_ranked_by_share_of_labs(portfolio):
    """Latest assessment per lab: 4 of 5 labs have a gap on T-6.4-01 (80%); follow-ups are not double counted."""
    r = portfolio.portfolio.rank()
    assert (r.labs, r.assessments) == (5, 5)
    assert [x.item_id for x in r.items[:3]] == ["T-6.4-01", "T-7.2-01", "T-8.8-01"]  # by number of labs with a gap
    top = r.items[0]
    assert (top.item_id, top.labs_gap, top.labs_applicable, top.percent) == ("T-6.4-01", 4, 5, 80.0)
    assert (top.labs_nonconform, top.labs_partial) == (2, 2)
    by_id = {x.item_id: x for x in r.items}
    assert by_id["T-7.2-01"].labs_gap == 2 and by_id["T-7.2-01"].percent == 100.0  # answered by 2 labs only
    assert by_id["T-4.1-01"].labs_gap == 0  # lab A's old nonconform is superseded by its follow-up
    clauses = {c.clause: c for c in r.clauses}
    assert (clauses["6.4"].labs_gap, clauses["6.4"].labs_applicable) == (4, 5)
    assert clauses["8.8"].labs_gap == 1
    assert r.clauses[0].percent >= r.clauses[-1].percent
    every = portfolio.portfolio.rank(Cohort(latest_only=False))
    assert every.assessments == 6 and {x.item_id: x for x in every.items}["T-4.1-01"].labs_gap == 1


def test_cohort_filters_and_threshold(portfolio):
    """Industry, size, field and date filters narrow the cohort; the threshold drops rarer gaps."""
    pf = portfolio.portfolio
    assert pf.rank(Cohort(industry="lighting")).labs == 2
    assert pf.rank(Cohort(field="photometry")).labs == 1
    assert pf.rank(Cohort(field="appliance_safety", industry="appliance")).labs == 2
    assert pf.rank(Cohort(since=D + dt.timedelta(days=1))).labs == 1
    r = pf.rank(Cohort(until=D - dt.timedelta(days=1)))
    assert r.labs == 1 and {x.item_id: x for x in r.items}["T-4.1-01"].labs_gap == 1  # lab A's older assessment
    high = pf.rank(threshold=75)
    assert [x.item_id for x in high.items] == ["T-6.4-01", "T-7.2-01", "T-8.8-01"]
    assert all(c.percent >= 75 for c in high.clauses)
    with pytest.raises(ValidationError, match="industry"):
        pf.rank(Cohort(industry="nuclear"))
    empty = pf.rank(Cohort(size="medium"))
    assert empty.labs == 0 and empty.items == ()


def test_drill_down_is_anonymised_unless_names_are_shown(portfolio):
    """The labs behind an item or clause are pseudonyms by default and names with show_labs."""
    pf = portfolio.portfolio
    labs = pf.affected(item_id="T-6.4-01")
    assert len(labs) == 4 and [x.status for x in labs[:2]] == ["nonconform", "nonconform"]
    assert all(x.label.startswith("L-") and "Lab" not in x.label for x in labs)
    lab_uids = {lab.name: lab.uid for lab in portfolio.labs.list()}
    assert pseudonym(lab_uids["丙 Lighting C"]) in {x.label for x in labs}
    named = {x.label for x in pf.affected(item_id="T-6.4-01", show_labs=True)}
    assert named == {"甲 Appliance A", "乙 Lighting B", "丙 Lighting C", "丁 Appliance D"}
    by_clause = pf.affected(clause="7.2", show_labs=True)
    assert {x.label for x in by_clause} == {"甲 Appliance A", "乙 Lighting B"}
    with pytest.raises(ValidationError):
        pf.affected()


def test_heatmap_labs_by_clauses(portfolio):
    """The heat map has one row per lab (most gaps first) and the gap share per clause."""
    h = portfolio.portfolio.heatmap(show_labs=True)
    assert h.labs[0] == "甲 Appliance A" and "6.4" in h.clauses
    row = dict(zip(h.clauses, h.values[0]))
    # lab A: 6.4-01 and 7.2-01 nonconform, 6.4-02 and 7.2-02 conform, 4.1-01 fixed in the follow-up
    assert row["6.4"] == pytest.approx(0.5) and row["7.2"] == pytest.approx(0.5) and row["4.1"] == 0.0
    assert len(portfolio.portfolio.heatmap(max_labs=2).labs) == 2


def test_training_recommendation_from_catalogue(portfolio):
    """A gap shared by most labs yields a group-course recommendation naming the share."""
    r = portfolio.portfolio.rank()
    assert r.training, "expected a recommendation for the 80% gap on intermediate checks"
    t = next(t for t in r.training if t.item_id in ("T-6.4-01", "T-7.2-01"))
    assert t.percent >= 80 and f"{t.percent:.0f}%" in t.message("zh") and "of labs" in t.message("en")


def test_ranking_never_loads_answers_as_objects(portfolio):
    """The ranking is SQL aggregation: no Answer ORM object is created."""
    loaded = []
    listener = lambda target, _ctx: loaded.append(target)  # noqa: E731
    event.listen(Answer, "load", listener)
    try:
        portfolio.portfolio.rank()
        portfolio.portfolio.heatmap()
    finally:
        event.remove(Answer, "load", listener)
    assert loaded == []


def test_ranking_does_not_block_writers(portfolio):
    """While ranking, another connection can still save answers (the ranking only reads)."""
    pf = portfolio.portfolio
    a = portfolio.assessments.list(with_scores=False)[0]
    with pf._conn(Cohort()) as conn:
        from sqlalchemy import text

        conn.execute(text("SELECT count(*) FROM answer")).all()
        portfolio.assessments.answer(a.id, "T-8.6-01", "conform")
    assert portfolio.assessments.answers(a.id)["T-8.6-01"].version == 1


def test_reports_pdf_and_xlsx_in_both_languages(portfolio, tmp_path):
    """The common-problems PDF and workbook are written in zh and en, anonymised by default."""
    from openpyxl import load_workbook
    from pypdf import PdfReader

    from app.report.portfolio_pdf import write_portfolio_pdf
    from app.report.portfolio_xlsx import write_portfolio_xlsx

    pf = portfolio.portfolio
    r = pf.rank()
    heat = pf.heatmap()
    drill = {x.item_id: pf.affected(item_id=x.item_id) for x in r.items[:3]}
    for lang in ("zh", "en"):
        pdf = write_portfolio_pdf(r, heat, drill, tmp_path / f"p-{lang}.pdf", lang)
        text = "".join(p.extract_text() for p in PdfReader(pdf).pages)
        assert ("共性问题分析报告" if lang == "zh" else "Common problems across labs") in text
        assert "T-6.4-01" in text and "80.0%" in text
        assert "甲 Appliance A" not in text and "L-" in text
        xlsx = write_portfolio_xlsx(r, heat, drill, tmp_path / f"p-{lang}.xlsx", lang)
        wb = load_workbook(xlsx)
        assert len(wb.sheetnames) == 5
        cells = [c for ws in wb for row in ws.iter_rows(values_only=True) for c in row if c is not None]
        assert "T-6.4-01" in cells and not any("甲 Appliance A" in str(c) for c in cells)
    named = write_portfolio_pdf(r, pf.heatmap(show_labs=True), {}, tmp_path / "named.pdf", "zh", show_labs=True)
    assert "甲 Appliance A" in "".join(p.extract_text() for p in PdfReader(named).pages)


def test_portfolio_over_a_folder_of_labx_files(portfolio, tmp_path):
    """A folder of anonymised lab files is ranked like the database (a lab's files stay one lab); bad files are skipped."""
    out = tmp_path / "labs"
    out.mkdir()
    for i, a in enumerate(portfolio.assessments.list(with_scores=False)):
        portfolio.labfiles.export(a.id, out / f"lab{i}.labx", anonymise=True)
    (out / "broken.labx").write_bytes(b"not a zip")
    pf = PortfolioService.from_labx_dir(out)
    try:
        r = pf.rank()
        assert pf.skipped and "broken.labx" in pf.skipped[0]
        assert r.labs == 5 and r.items[0].item_id == "T-6.4-01" and r.items[0].percent == 80.0
    finally:
        pf.close()


def test_cli_portfolio_json_and_reports(services, tmp_path, capsys, monkeypatch):
    """`labassess portfolio --json` ranks; --out writes the PDF/XLSX; --item drills down."""
    from app.cli.main import main

    _lab(services, "甲", "appliance", ("appliance_safety",), {"T-6.4-01": "nonconform"})
    _lab(services, "乙", "lighting", ("luminaire_safety",), {"T-6.4-01": "partial"})
    db = str(services.db.path)
    monkeypatch.setattr("app.bootstrap.Catalog", lambda *_a, **_k: services.catalog)
    assert main(["--db", db, "portfolio", "--json", "--threshold", "50"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["labs"] == 2 and data["items"][0]["item"] == "T-6.4-01" and data["items"][0]["percent"] == 100.0
    assert main(["--db", db, "portfolio", "--out", str(tmp_path / "p.pdf"), "--lang", "en"]) == 0
    assert main(["--db", db, "portfolio", "--out", str(tmp_path / "p.xlsx")]) == 0
    assert (tmp_path / "p.pdf").stat().st_size > 1000 and (tmp_path / "p.xlsx").exists()
    capsys.readouterr()
    assert main(["--db", db, "portfolio", "--item", "T-6.4-01", "--show-labs", "--json"]) == 0
    assert {x["lab"] for x in json.loads(capsys.readouterr().out)} == {"甲", "乙"}
    assert main(["--db", db, "portfolio", "--industry", "other"]) == 1


def _catalogue():
    from app.checklists.training import load_training_text

    def module(mid, fields):
        return f"""
      - id: {mid}
        title: {{zh: 课程{mid}, en: Course {mid}}}
        content: {{zh: 内容, en: Content}}
        audience: [technical_manager]
        clauses: ["6.4"]
        hours: 2
        method: {{zh: 讲授, en: Classroom}}
        effectiveness: {{zh: 测验, en: Quiz}}
        fields: {fields}
        action_keys: [shared-key]"""

    text = (
        'format: labassess-training/1\nversion: "t"\nthemes:\n  - id: quality_control\n'
        "    title: {zh: 质量控制, en: Quality control}\n    modules:"
        + module("TG", "[]")
        + module("TA", "[appliance_safety]")
        + module("TP", "[photometry]")
        + module("TB", "[battery]")
        + "\n"
    )
    return load_training_text(text, "test-training.yaml")


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        (None, {"TG", "TA", "TP"}),  # no lab of the cohort tests batteries: TB is never offered
        ("luminaire_safety", {"TG"}),  # the luminaire group gets the general course only
        ("photometry", {"TG", "TP"}),
        ("appliance_safety", {"TG", "TA"}),
    ],
)
def test_training_recommendations_follow_the_cohorts_test_fields(portfolio, field, expected):
    """A course written for a test field is suggested only to cohorts with labs in that field."""
    from app.services.portfolio import Cohort, PortfolioService

    service = PortfolioService(portfolio.db, training=_catalogue())
    r = service.rank(Cohort(field=field), recommend_pct=0)
    offered = {t.module_id for t in r.training if t.item_id == "T-6.4-01" or t.module_id in {"TG", "TA", "TP", "TB"}}
    assert offered == expected
