"""``app.records.Record`` behaves as ``@dataclass(frozen=True)`` did for the core's value records."""

from __future__ import annotations

import copy
import datetime as dt
import pickle
from typing import ClassVar

import pytest

from app.records import FrozenInstanceError, Record, field, field_names, replace


class Point(Record):
    x: int
    y: int = 0
    tags: tuple[str, ...] = ()


class Located(Record):
    name: str
    notes: list = field(default_factory=list)
    line: int = field(default=0, compare=False)
    secret: str = field(default="", repr=False)
    KIND: ClassVar[str] = "located"


class Indexed(Record):
    items: tuple[str, ...]

    def __post_init__(self) -> None:
        self.__dict__["_index"] = {v: i for i, v in enumerate(self.items)}


class Point3(Point):
    z: int = 0


def test_construction_by_position_keyword_and_defaults():
    assert Point(1, 2, ("a",)) == Point(x=1, y=2, tags=("a",)) == Point(1, tags=("a",), y=2)
    p = Point(5)
    assert (p.x, p.y, p.tags) == (5, 0, ())
    assert field_names(Point) == ("x", "y", "tags") == field_names(p)
    assert Point.__match_args__ == ("x", "y", "tags")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: Point(), "missing required argument: 'x'"),
        (lambda: Point(1, 2, (), 4), "takes 3 positional arguments but 4 were given"),
        (lambda: Point(1, x=2), "multiple values for argument 'x'"),
        (lambda: Point(1, z=2), "unexpected keyword argument 'z'"),
        (lambda: Point(y=2, tags=(), w=1), "unexpected keyword argument 'w'"),
    ],
)
def test_bad_calls_name_the_argument(call, message):
    with pytest.raises(TypeError, match=message):
        call()


def test_frozen():
    p = Point(1)
    with pytest.raises(FrozenInstanceError):
        p.x = 2  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        del p.y
    with pytest.raises(AttributeError):  # FrozenInstanceError is an AttributeError, as in dataclasses
        p.new = 1  # type: ignore[attr-defined]
    assert p == Point(1)


def test_equality_and_hash_follow_the_compared_fields():
    assert Point(1, 2) != Point(1, 3)
    assert hash(Point(1, 2, ("a",))) == hash(Point(1, 2, ("a",)))
    assert Point(1) != (1, 0, ())  # a record is not a tuple
    assert Point3(1) != Point(1)  # nor equal to a record of another class
    a, b = Located("x", line=3), Located("x", line=9)
    assert a == b  # line is not part of what it is
    assert Located("x") != Located("y")
    assert {Point(1): "p"}[Point(1)] == "p"
    with pytest.raises(TypeError):
        hash(Located("x"))  # its list field is unhashable, as a frozen dataclass's would be


def test_default_factories_give_each_record_its_own_value():
    a, b = Located("a"), Located("b")
    assert a.notes == [] and a.notes is not b.notes


def test_repr_leaves_out_repr_false_fields_and_classvars_are_not_fields():
    assert repr(Point(1, 2)) == "Point(x=1, y=2, tags=())"
    assert repr(Located("n", secret="s")) == "Located(name='n', notes=[], line=0)"
    assert "KIND" not in field_names(Located) and Located.KIND == "located"


def test_post_init_may_keep_derived_data_beside_the_fields():
    r = Indexed(("a", "b"))
    assert r._index == {"a": 0, "b": 1}
    assert r == Indexed(("a", "b")) and "_index" not in repr(r)


def test_inherited_fields_come_first():
    assert field_names(Point3) == ("x", "y", "tags", "z")
    assert Point3(1, 2, (), 3).z == 3


def test_replace_makes_a_changed_copy_and_reruns_post_init():
    p = Point(1, 2)
    q = replace(p, y=5)
    assert (q.x, q.y, p.y) == (1, 5, 2)
    assert replace(Indexed(("a",)), items=("b", "c"))._index == {"b": 0, "c": 1}
    with pytest.raises(TypeError, match="unexpected keyword argument 'w'"):
        replace(p, w=1)


def test_pickle_and_copy_keep_values_and_derived_data():
    for r in (Point(1, 2, ("a",)), Located("x", ["n"], line=4), Indexed(("a", "b"))):
        for clone in (pickle.loads(pickle.dumps(r)), copy.copy(r), copy.deepcopy(r)):
            assert clone == r and clone.__dict__ == r.__dict__


def test_class_definition_errors_are_those_of_dataclasses():
    with pytest.raises(TypeError, match="required field 'b' follows field 'a' with a default"):

        class _Bad(Record):
            a: int = 0
            b: int

    with pytest.raises(ValueError, match="mutable default"):

        class _Mutable(Record):
            a: list = []  # noqa: RUF012 - the mistake under test

    with pytest.raises(ValueError, match="not both"):
        field(default=1, default_factory=int)


def test_a_method_the_class_defines_is_kept():
    class Loose(Record):
        a: int

        def __repr__(self) -> str:
            return "loose"

    assert repr(Loose(1)) == "loose" and Loose(1) == Loose(1)


def test_dates_and_nested_records():
    class Doc(Record):
        title: str
        checked: dt.date
        parts: tuple[Point, ...] = ()

    d = Doc("t", dt.date(2026, 12, 3), (Point(1), Point(2)))
    assert d == Doc("t", dt.date(2026, 12, 3), (Point(1), Point(2)))
    assert d != Doc("t", dt.date(2026, 12, 3), (Point(1),))
