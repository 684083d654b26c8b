"""Hostile input, property-based (Hypothesis): every reader answers with its typed error, never another exception.

Readers: checklist YAML text, checklist XLSX, bulk answers (CSV/XLSX), .labx lab files, CLI arguments,
and user text in notes (stored exactly).  A failed bulk import or lab-file import leaves the database unchanged.
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import sqlite3
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rel_helpers import DATA

from app.checklists.errors import ChecklistError
from app.checklists.loader import load_text
from app.checklists.schema import Checklist

pytestmark = pytest.mark.slow

FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
SLOW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
MINI = (DATA / "mini-cl01.yaml").read_text(encoding="utf-8")
HOSTILE = st.sampled_from(
    [
        "",
        "\x00",
        "\ufeff",
        "\u202e",
        "🧪",
        "<script>alert(1)</script>",
        "'; DROP TABLE answer; --",
        "{{x}}",
        "%s%n",
        "\r\n",
        "\t",
        "a" * 5000,
        "符合",
        "不适用",
        "!!python/object/apply:os.system ['echo pwned']",
        "&anchor",
        "*alias",
        "- ",
        ": ",
        "? ",
        "|\n  x",
        "0x1F",
        "1e999",
        "NaN",
        "null",
        "~",
        "yes",
        "2026-13-45",
    ]
)


def warnings_ignored_duplicate_names(fn):
    """Building hostile archives with duplicate entry names is the point; silence zipfile's warning."""
    import functools
    import warnings

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Duplicate name", UserWarning)
            return fn(*args, **kwargs)

    return wrapper


def _mutate(text: str, rng: random.Random, n: int) -> str:
    lines = text.splitlines()
    for _ in range(n):
        op = rng.randrange(5)
        i = rng.randrange(len(lines)) if lines else 0
        if op == 0 and lines:
            del lines[i]
        elif op == 1 and lines:
            lines.insert(i, lines[rng.randrange(len(lines))])
        elif op == 2 and lines:
            line = lines[i]
            j = rng.randrange(len(line) + 1)
            lines[i] = (
                line[:j]
                + rng.choice(["'", '"', ":", "- ", "  ", "\t", "{", "[", "!!", "&a", "*a", "🧪", "\x00"])
                + line[j:]
            )
        elif op == 3 and lines:
            lines[i] = "  " * rng.randrange(6) + lines[i].lstrip()
        else:
            lines.insert(
                i, rng.choice(["extra: 1", "criticality: 9", "id: T-4.1-01", "knockout: maybe", "clause: '99.9'"])
            )
    return "\n".join(lines)


# -- checklist YAML -----------------------------------------------------------------------------
@FAST
@given(st.text(max_size=400) | st.builds(lambda parts: "\n".join(parts), st.lists(HOSTILE, max_size=12)))
def test_checklist_yaml_any_text(text):
    """Any text is a checklist or a ChecklistError with problems that name a location."""
    try:
        assert isinstance(load_text(text, "fuzz.yaml"), Checklist)
    except ChecklistError as exc:
        assert exc.problems and all(str(p) for p in exc.problems)
        assert "fuzz.yaml" in exc.report()


@FAST
@given(st.integers(0, 2**32 - 1), st.integers(1, 8))
def test_checklist_yaml_mutated_real_file(seed, n):
    """A real checklist with random edits is still valid or gives a ChecklistError, never another exception."""
    text = _mutate(MINI, random.Random(seed), n)
    try:
        load_text(text, "mutated.yaml")
    except ChecklistError as exc:
        assert exc.problems


# -- checklist XLSX -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def mini_xlsx(tmp_path_factory) -> bytes:
    """The mini checklist exported as the XLSX authoring workbook."""
    from app.checklists.xlsx import write_xlsx

    path = tmp_path_factory.mktemp("xlsx") / "mini.xlsx"
    write_xlsx(load_text(MINI, "mini"), path)
    return path.read_bytes()


@SLOW
@given(data=st.data())
def test_checklist_xlsx_mutated_cells(mini_xlsx, data):
    """The authoring workbook with random cells overwritten: a checklist or a ChecklistError."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import IllegalCharacterError

    from app.checklists.xlsx import read_xlsx

    wb = load_workbook(io.BytesIO(mini_xlsx))
    for _ in range(data.draw(st.integers(1, 6))):
        ws = wb[data.draw(st.sampled_from(wb.sheetnames))]
        row = data.draw(st.integers(1, max(1, ws.max_row + 1)))
        col = data.draw(st.integers(1, max(1, ws.max_column + 1)))
        value = data.draw(
            st.none()
            | HOSTILE
            | st.integers(-(10**12), 10**12)
            | st.floats(allow_nan=True)
            | st.booleans()
            | st.dates()
            | st.text(max_size=60)
        )
        with contextlib.suppress(IllegalCharacterError):  # Excel cannot hold control characters at all
            ws.cell(row, col).value = value
    if data.draw(st.booleans()) and len(wb.sheetnames) > 1:
        del wb[data.draw(st.sampled_from(wb.sheetnames))]
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "fuzz.xlsx"
        wb.save(path)
        try:
            read_xlsx(path)
        except ChecklistError as exc:
            assert exc.problems


@SLOW
@given(st.binary(max_size=3000), st.booleans())
def test_checklist_xlsx_random_bytes(blob, as_zip):
    """Random bytes (raw or inside a zip) named .xlsx give a ChecklistError."""
    from app.checklists.xlsx import read_xlsx

    if as_zip:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr("xl/workbook.xml", blob)
            zf.writestr("[Content_Types].xml", blob[:100])
        blob = buf.getvalue()
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "fuzz.xlsx"
        path.write_bytes(blob)
        with pytest.raises(ChecklistError):
            read_xlsx(path)


# -- bulk answers -------------------------------------------------------------------------------
@FAST
@given(
    st.binary(max_size=2000) | st.text(max_size=600).map(lambda t: t.encode("utf-8")),
    st.sampled_from([".csv", ".xlsx"]),
)
def test_bulk_reader_random_files(blob, suffix):
    """Random CSV/XLSX content: a list of answers or a ValidationError, nothing else."""
    from app.services.bulk import read_answers
    from app.services.errors import ValidationError

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"answers{suffix}"
        path.write_bytes(blob)
        try:
            read_answers(path)
        except ValidationError as exc:
            assert exc.field and exc.message


ROW = st.tuples(
    st.sampled_from(["T-4.1-01", "T-4.2-01", "T-6.4-01", "T-8.9-02", "NOPE-1", "", "t-4.1-01"]) | HOSTILE,
    st.sampled_from(["conform", "符合", "partial", "nonconform", "na", "不适用", "unassessed", "", "maybe"]) | HOSTILE,
    HOSTILE | st.text(max_size=40),
    st.sampled_from(["", "本实验室不开展"]) | HOSTILE,
)


@pytest.fixture
def bulk_db(services):
    """An assessment with two answers already saved."""
    from app.assessment.model import LabProfile

    lab = services.labs.add(LabProfile(name="Fuzz lab"))
    asm = services.assessments.create(lab.id, ["mini-cl01"])
    services.assessments.answer(asm.id, "T-4.1-01", "conform", note="keep me")
    services.assessments.answer(asm.id, "T-6.2-01", "partial", note="keep me too")
    return services, asm.id


@SLOW
@given(st.lists(ROW, min_size=1, max_size=8), st.sampled_from(["utf-8-sig", "gb18030", "utf-8"]))
def test_bulk_import_is_all_or_nothing(bulk_db, rows, encoding):
    """Bulk answers with random rows: all saved, or a ValidationError and the database exactly as before."""
    import csv

    from app.services.bulk import read_answers
    from app.services.errors import ValidationError

    services, asm = bulk_db
    db_file = Path(services.db.path)
    before = _snapshot(db_file)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "answers.csv"
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(["item", "status", "note", "na_reason"])
        w.writerows(rows)
        try:
            path.write_bytes(buf.getvalue().encode(encoding))
        except UnicodeEncodeError:
            path.write_bytes(buf.getvalue().encode("utf-8"))
        try:
            changes = read_answers(path)
            services.assessments.answer_many(asm, changes, by="fuzz")
        except ValidationError as exc:
            assert exc.message
            assert _snapshot(db_file) == before, "a failed bulk import changed the database"
        else:
            saved = services.assessments.answers(asm)
            for c in changes:
                assert saved[c.item_id].status == c.status and saved[c.item_id].note == c.note


def _snapshot(db: Path) -> tuple:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return (
            con.execute(
                "SELECT assessment_id, item_id, status, note, na_reason, version FROM answer ORDER BY id"
            ).fetchall(),
            con.execute("SELECT count(*) FROM answer_history").fetchone()[0],
        )
    finally:
        con.close()


# -- notes: any user text is stored exactly -----------------------------------------------------
@FAST
@given(
    st.text(max_size=300) | HOSTILE | st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x1F), max_size=50)
)
def test_any_note_is_stored_exactly(bulk_db, note):
    """Any unicode note (markup, emoji, controls, NUL) round-trips through the database unchanged."""
    services, asm = bulk_db
    a = services.assessments.answer(asm, "T-6.4-01", "partial", note=note, by="fuzz")
    assert a.note == note
    assert services.assessments.answers(asm)["T-6.4-01"].note == note
    assert services.assessments.history(asm, "T-6.4-01")[-1].new_note == note or a.version > 1


def test_huge_note_limit(bulk_db):
    """A note of exactly the limit is stored; one character more is a ValidationError and nothing changes."""
    from app.services.assessments import MAX_NOTE
    from app.services.errors import ValidationError

    services, asm = bulk_db
    big = "界" * MAX_NOTE
    assert services.assessments.answer(asm, "T-7.1-01", "conform", note=big).note == big
    with pytest.raises(ValidationError, match="note"):
        services.assessments.answer(asm, "T-7.1-01", "partial", note=big + "x")
    assert services.assessments.answers(asm)["T-7.1-01"].status.value == "conform"


# -- lab files ----------------------------------------------------------------------------------
@pytest.fixture
def labx(bulk_db, tmp_path):
    """A real .labx export of the bulk_db assessment, and the service."""
    pytest.importorskip("app.services.labfile")
    from app.services.labfile import LabFileService

    services, asm = bulk_db
    svc = LabFileService(services.db)
    out = tmp_path / "real.labx"
    svc.export(asm, out)
    return services, svc, out.read_bytes()


@warnings_ignored_duplicate_names
def _mutate_zip(blob: bytes, rng: random.Random) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(blob))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        names = src.namelist()
        victim = rng.choice(names)
        for name in names:
            data = src.read(name)
            if name == victim:
                op = rng.randrange(4)
                if op == 0:
                    continue  # drop a part
                if op == 1 and data:
                    i = rng.randrange(len(data))
                    data = data[:i] + bytes([data[i] ^ 0x5A]) + data[i + 1 :]
                elif op == 2:
                    data = data[: len(data) // 2]
                else:
                    out.writestr(rng.choice(["../evil.json", "/abs.json", "extra.json", name]), data)
            out.writestr(name, data) if name != victim or rng.random() < 0.9 else None
    return buf.getvalue()


@SLOW
@given(st.integers(0, 2**32 - 1), st.booleans())
def test_labfile_reader_hostile_files(labx, seed, raw_bytes):
    """A damaged or hostile .labx is refused with LabFileError and the database is not changed."""
    from app.services.errors import ServiceError

    services, svc, blob = labx
    rng = random.Random(seed)
    if raw_bytes:
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 3000)))
        if rng.random() < 0.5:
            data = blob[: rng.randrange(len(blob))]
    else:
        data = _mutate_zip(blob, rng)
    before = _snapshot(Path(services.db.path))
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "fuzz.labx"
        path.write_bytes(data)
        try:
            svc.import_file(path, on_conflict="keep_mine" if "keep_mine" in _policies() else "ask")
        except ServiceError as exc:
            assert str(exc)
            assert _snapshot(Path(services.db.path)) == before
        # a successful import of an intact copy may legitimately change nothing or merge; both are fine


def _policies() -> tuple:
    from app.services import labfile

    return tuple(getattr(labfile, "POLICIES", ()))


# -- CLI arguments ------------------------------------------------------------------------------
TOKENS = st.sampled_from(
    [
        "lab",
        "add",
        "list",
        "assessment",
        "new",
        "answer",
        "show",
        "checklist",
        "validate",
        "import",
        "export",
        "doctor",
        "backup",
        "--json",
        "--lab",
        "--checklist",
        "--note",
        "--na-reason",
        "--from",
        "--out",
        "--industry",
        "--size",
        "--staff",
        "--option",
        "--ms-start",
        "--lang",
        "--repair",
        "--force",
        "--help",
        "-h",
        "--version",
        "1",
        "0",
        "-1",
        "99999999999999999999",
        "mini-cl01",
        "cnas-cl01",
        "T-4.1-01",
        "conform",
        "符合",
        "na",
        "zh",
        "en",
        "A",
        "Z",
        "2026-02-30",
        "2026-01-01",
        "nothing.csv",
        "x.xlsx",
        "x.yaml",
        "--",
        "-",
        "",
        " ",
        "🧪",
        "\x00x",
        "../../etc/passwd",
    ]
)
COMMANDS = st.sampled_from(
    [
        ["lab"],
        ["assessment"],
        ["checklist"],
        ["doctor"],
        ["backup"],
        ["lab", "add"],
        ["assessment", "answer"],
        ["assessment", "show"],
        ["checklist", "validate"],
    ]
)


@pytest.fixture(scope="module")
def cli_home(tmp_path_factory):
    """A LABASSESS_HOME with the mini checklist and one lab + assessment."""
    from rel_helpers import make_home, seed

    home = make_home(tmp_path_factory.mktemp("cli"))
    seed(home, home / "labassess.sqlite")
    return home


@FAST
@given(COMMANDS, st.lists(TOKENS | st.text(max_size=12), max_size=6))
def test_cli_random_arguments(cli_home, monkeypatch, capsys, command, rest):
    """Random argv: exit 0, 1 or 2 with a message, never a traceback or another exit code."""
    from app.cli.main import main

    argv = [*command, *rest]
    if "\x00x" in argv:
        argv = [a.replace("\x00", "") for a in argv]
    monkeypatch.setenv("LABASSESS_HOME", str(cli_home))
    monkeypatch.delenv("LABASSESS_DB", raising=False)
    monkeypatch.chdir(cli_home)
    with contextlib.suppress(OSError):
        os.unlink(cli_home / "out.sqlite")
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse: --help / --version (0) and usage errors (2)
        code = exc.code
    captured = capsys.readouterr()
    assert code in (0, 1, 2), (argv, code, captured.err)
    assert "Traceback" not in captured.err and "Traceback" not in captured.out, argv
    assert "unexpected error" not in captured.err, (argv, captured.err)
    if code == 1:
        assert captured.err.strip(), argv
