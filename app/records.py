"""Frozen value records, as ``@dataclass(frozen=True)`` gives them, without generating any code.

Why not dataclasses: a frozen dataclass writes the source of six methods and compiles it when its
class is created, 4.7 M CPU instructions per class on Python 3.11; the desktop's start creates 30
of them (the checklist schema, the domain model, scoring and gate results, the DTOs), a tenth of
its whole cold start. Why not ``msgspec.Struct`` (tried: 0.14 M per class): importing msgspec
loads typing_extensions, uuid, decimal and platform, 62 M. A ``Record`` subclass gets its methods
from closures over its field list when the class is created: nothing is compiled, ~0.05 M a class.

Usage, as with dataclasses::

    class Text(Record):
        zh: str
        en: str = ""
        tags: tuple[str, ...] = field(default_factory=tuple)
        line: int = field(default=0, compare=False)  # not part of equality or the hash

What a record does, as a frozen dataclass: fields in annotation order, inherited fields first
(``ClassVar`` annotations are not fields); positional or keyword construction with defaults and
``default_factory``; ``__post_init__``; equal to a record of the same class with equal compared
fields, hashed over them; ``repr``; assigning or deleting an attribute raises
``FrozenInstanceError``; ``replace(record, **changes)``; ``field_names(cls)``. Values live in the
instance ``__dict__``, so pickle and ``copy`` work as for any object, and ``__post_init__`` may keep
derived data there (``self.__dict__["_index"] = ...``). Methods a class defines itself are kept.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any, ClassVar, dataclass_transform

_MISSING: Any = object()


class FrozenInstanceError(AttributeError):
    """Raised on assigning to or deleting an attribute of a record."""


class _Field:
    __slots__ = ("default", "default_factory", "compare", "repr")

    def __init__(self, default: Any, default_factory: Callable[[], Any] | None, compare: bool, repr: bool):  # noqa: A002
        self.default = default
        self.default_factory = default_factory
        self.compare = compare
        self.repr = repr


def field(
    *,
    default: Any = _MISSING,
    default_factory: Callable[[], Any] | None = None,
    compare: bool = True,
    repr: bool = True,  # noqa: A002 - the dataclasses name
) -> Any:
    """A field with a default factory, or one left out of equality (``compare``) or of ``repr``."""
    if default is not _MISSING and default_factory is not None:
        raise ValueError("a field takes a default or a default_factory, not both")
    return _Field(default, default_factory, compare, repr)


def _is_classvar(annotation: object) -> bool:
    if isinstance(annotation, str):  # the usual case, under ``from __future__ import annotations``
        return annotation.startswith(("ClassVar", "typing.ClassVar"))
    return annotation is ClassVar or getattr(annotation, "__origin__", None) is ClassVar


def _own_fields(cls: type) -> list[tuple[str, _Field]]:
    """The fields a class body declares, with their class attributes turned into defaults."""
    out = []
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():
        if _is_classvar(annotation):
            continue
        value = cls.__dict__.get(name, _MISSING)
        if isinstance(value, _Field):
            spec = value
            if spec.default is _MISSING:
                delattr(cls, name)  # no class attribute shadows a required or factory field
            else:
                setattr(cls, name, spec.default)
        else:
            spec = _Field(value, None, True, True)
        if isinstance(spec.default, list | dict | set):
            raise ValueError(f"{cls.__qualname__}.{name}: mutable default, use field(default_factory=...)")
        out.append((name, spec))
    return out


def _key_of(names: tuple[str, ...]) -> Callable[[Any], tuple]:
    if len(names) == 1:
        one = operator.attrgetter(names[0])
        return lambda obj: (one(obj),)
    if not names:
        return lambda obj: ()
    return operator.attrgetter(*names)  # a tuple of the values, built in C


def _make_init(cls: type, names: tuple[str, ...], specs: dict[str, _Field]) -> Callable[..., None]:
    qualname = cls.__qualname__
    count = len(names)
    known = frozenset(names)
    defaults = {n: s.default for n, s in specs.items() if s.default is not _MISSING}
    factories = {n: s.default_factory for n, s in specs.items() if s.default_factory is not None}
    post_init = getattr(cls, "__post_init__", None) is not None

    def complain(values: dict, args: tuple, kwargs: dict) -> TypeError:
        if len(args) > count:
            return TypeError(f"{qualname}() takes {count} positional arguments but {len(args)} were given")
        clash = sorted(set(names[: len(args)]) & kwargs.keys())
        if clash:
            return TypeError(f"{qualname}() got multiple values for argument {clash[0]!r}")
        unknown = sorted(values.keys() - known)
        if unknown:
            return TypeError(f"{qualname}() got an unexpected keyword argument {unknown[0]!r}")
        missing = [n for n in names if n not in values]
        return TypeError(f"{qualname}() missing required argument: {missing[0]!r}")

    # The common calls take one C-level dict update: every field given by position, or by keyword.
    def __init__(self, *args: Any, **kwargs: Any) -> None:  # noqa: N807 - the method it is
        if not kwargs and len(args) == count:
            self.__dict__.update(zip(names, args))  # the instance dict directly: __setattr__ refuses
        else:
            if args:
                values = dict(zip(names, args))
                if len(args) > count or not values.keys().isdisjoint(kwargs):
                    raise complain(values, args, kwargs)
                values.update(kwargs)
            else:
                values = kwargs
            if not known.issuperset(values):
                raise complain(values, args, kwargs)
            if len(values) < count:
                values = {**defaults, **values}
                for name, make in factories.items():
                    if name not in values:
                        values[name] = make()
                if len(values) < count:
                    raise complain(values, args, kwargs)
            self.__dict__.update(values)
        if post_init:
            self.__post_init__()

    return __init__


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r} of a frozen {type(self).__qualname__}")


def _frozen_delattr(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r} of a frozen {type(self).__qualname__}")


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
class Record:
    """Base of frozen value records (see the module docstring)."""

    __slots__ = ()
    __record_fields__: tuple[str, ...] = ()
    __record_specs__: dict[str, _Field] = {}  # noqa: RUF012 - replaced per subclass, never mutated

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        specs: dict[str, _Field] = {}
        for base in reversed(cls.__mro__[1:]):
            specs.update(getattr(base, "__record_specs__", {}))
        for name, spec in _own_fields(cls):
            specs.pop(name, None)  # a redeclared field moves to the end, as in dataclasses
            specs[name] = spec
        names = tuple(specs)
        seen_default = None
        for name in names:
            spec = specs[name]
            has_default = spec.default is not _MISSING or spec.default_factory is not None
            if has_default:
                seen_default = name
            elif seen_default is not None:
                raise TypeError(
                    f"{cls.__qualname__}: required field {name!r} follows field {seen_default!r} with a default"
                )
        compared = tuple(n for n in names if specs[n].compare)
        shown = tuple(n for n in names if specs[n].repr)
        key = _key_of(compared)
        qualname = cls.__qualname__

        if compared == names and getattr(cls, "__post_init__", None) is None:
            # nothing but the fields lives in the instance dict: compare the dicts, in C

            def __eq__(self: Any, other: object) -> bool:  # noqa: N807
                if other.__class__ is not self.__class__:
                    return NotImplemented
                return self.__dict__ == other.__dict__

        else:

            def __eq__(self: Any, other: object) -> bool:  # noqa: N807
                if other.__class__ is not self.__class__:
                    return NotImplemented
                return key(self) == key(other)

        def __hash__(self: Any) -> int:  # noqa: N807
            return hash(key(self))

        def __repr__(self: Any) -> str:  # noqa: N807
            values = self.__dict__
            return f"{qualname}({', '.join(f'{n}={values[n]!r}' for n in shown)})"

        methods = {
            "__init__": _make_init(cls, names, specs),
            "__eq__": __eq__,
            "__hash__": __hash__,
            "__repr__": __repr__,
            "__setattr__": _frozen_setattr,
            "__delattr__": _frozen_delattr,
        }
        own = cls.__dict__
        for name, fn in methods.items():
            if name not in own or (name == "__hash__" and own[name] is None and "__eq__" not in own):
                fn.__qualname__ = f"{qualname}.{name}"
                setattr(cls, name, fn)
        cls.__record_fields__ = names
        cls.__record_specs__ = specs
        cls.__match_args__ = names


def field_names(record: type | Record) -> tuple[str, ...]:
    """The field names of a record class or instance, in order."""
    return record.__record_fields__


def replace(record: Any, /, **changes: Any) -> Any:
    """A copy of ``record`` with ``changes`` (``__post_init__`` runs again, as in ``dataclasses.replace``)."""
    values = record.__dict__
    kwargs = {n: values[n] for n in record.__record_fields__}
    kwargs.update(changes)
    return record.__class__(**kwargs)
