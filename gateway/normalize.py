"""Layout-driven normalization: decoded upstream JSON → the gateway's objects.

Every field name, slot position, decimal flag and code table comes from the layouts that
``codegen.py`` generates from ``spec/``; nothing here knows an upstream field by name. A converter is
compiled once per layout (a plan of ``(wire key or slot index, normalized name, value converter)``)
and reused.

Upstream bodies are decoded with :data:`decode_json`, whose ``float_hook`` turns every JSON number
with a fraction or exponent straight from its raw text into canonical decimal text, so no value ever
passes through ``float``. Integers arrive as ``int``; decimal fields turn them into text too.

Example, a Finex order row (``generated/finex_layouts.py``, layout ``OrderRow``)::

    ["btcusd", 97, "6dcc…", "sell", "w", "l", "9120", "0", "0.25", "0.25", "0", 0, 1594386563, "0.25", "0.25"]
      market   id  uuid     side   state type price  avg  volume orig.  exec. trades created     maker  taker

becomes ``{"market": "btcusd", "id": 97, …, "state": "open", "type": "limit", "price": "9120", …}``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal, InvalidOperation
from typing import Any, Final

import msgspec

from gateway._decimal import (
    DecimalError,
    canonical,
    canonical_cached,
    canonical_decimal,
    canonical_text,
)
from generated.layout_types import Field, Layout

__all__ = [
    "Converter",
    "DriftLog",
    "NormalizationError",
    "Normalizer",
    "collect_drift",
    "complete_balances",
    "current_drift",
    "decode_json",
    "drift_at",
    "to_int",
]

Converter = Callable[[Any], Any]

_BODY_ENCODER = msgspec.json.Encoder()

decode_json: Callable[[bytes | str], Any] = msgspec.json.Decoder(float_hook=canonical_text).decode
"""Decode JSON with every non-integer number as canonical decimal text (exact, no float)."""


class NormalizationError(ValueError):
    """An upstream value that cannot be normalized (wrong type where the layout needs one)."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path


class DriftLog:
    """JSON paths (in the gateway's response) of values served as ``null`` because they could not be
    normalized; kept while :func:`collect_drift` is active (``DRIFT_POLICY=lenient``)."""

    MAX_PATHS = 100

    def __init__(self) -> None:
        self.paths: list[str] = []
        self.count = 0
        self.prefix = "$"

    def record(self, relative: str) -> None:
        """Record ``relative`` (a path starting with ``$``, relative to the current prefix)."""
        self.count += 1
        if len(self.paths) < self.MAX_PATHS:
            self.paths.append(self.prefix + relative[1:])

    def rename(self, old: str, new: str) -> None:
        """Paths under ``old`` now live under ``new`` (a route moved that part of the body)."""
        self.paths = [new + p[len(old) :] if p == old or p.startswith((old + ".", old + "[")) else p
                      for p in self.paths]  # fmt: skip


_DRIFT: ContextVar[DriftLog | None] = ContextVar("gateway_drift_log", default=None)


class _CollectDrift:
    """:func:`collect_drift`'s context manager (a class: it is on every request's path, where a
    generator-based one costs several times more)."""

    __slots__ = ("_token",)

    def __enter__(self) -> DriftLog:
        log = DriftLog()
        self._token = _DRIFT.set(log)
        return log

    def __exit__(self, *exc_info: object) -> None:
        _DRIFT.reset(self._token)


def collect_drift() -> _CollectDrift:
    """Within this block an unnormalizable value becomes ``null`` and its path is logged, instead of
    failing the whole conversion with :class:`NormalizationError`."""
    return _CollectDrift()


def current_drift() -> DriftLog | None:
    """The active :class:`DriftLog` (``None``: unnormalizable values fail the conversion)."""
    return _DRIFT.get()


@contextmanager
def drift_at(prefix: str) -> Iterator[None]:
    """Paths recorded within this block are below ``prefix`` (an absolute JSON path, ``$.bids``)."""
    log = _DRIFT.get()
    if log is None:
        yield
        return
    saved, log.prefix = log.prefix, prefix
    try:
        yield
    finally:
        log.prefix = saved


BALANCE: Final = ("available", "locked", "total")
"""The balance vocabulary of both surfaces; each upstream sends two of them (REST ``free_balance`` and
``balance``, named ``available`` and ``total`` by the spec's ``x-name``; Finex ``available`` and
``locked``), the gateway derives the third exactly: total = available + locked."""


def complete_balances(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each balance row with all of ``currency, available, locked, total`` (the missing one derived
    exactly from the other two; null when one of those is null)."""
    available, locked, total = BALANCE
    out = []
    for row in rows:
        values = {name: row.get(name) for name in BALANCE}
        missing = [name for name, value in values.items() if value is None and name not in row]
        if len(missing) == 1:
            try:
                a, b, t = (Decimal(v) if v is not None else None for v in values.values())
                if missing[0] == total and a is not None and b is not None:
                    values[total] = canonical_decimal(a + b)
                elif missing[0] == locked and a is not None and t is not None:
                    values[locked] = canonical_decimal(t - a)
                elif missing[0] == available and b is not None and t is not None:
                    values[available] = canonical_decimal(t - b)
            except (InvalidOperation, DecimalError):
                pass
        out.append({**{k: v for k, v in row.items() if k not in BALANCE}, **values})
    return out


def to_int(value: Any) -> int:
    """Integer from an int or a string of digits (timestamps, ``accuracy``)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    raise DecimalError(f"not an integer: {value!r}")


def _snake(name: str) -> str:
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()


class Normalizer:
    """Compiles and caches converters for the layouts of one generated module.

    Each layout gets two converters: a fast one, compiled from the layout into one Python function
    (a dict display with one expression per field, so no per-field call where the value passes
    through), and a checked one that walks the fields one by one. The fast one runs first; if it
    fails, the checked one runs to name the offending field in a :class:`NormalizationError`.
    """

    def __init__(self, layouts: Mapping[str, Layout], enums: Mapping[str, Mapping[str, str]]) -> None:
        self.layouts = layouts
        self.enums = enums
        self._fast: dict[str, Converter] = {}
        self._fast_lists: dict[str, Converter] = {}
        self._compiled: dict[str, tuple[Converter, Converter]] = {}
        self._checked: dict[str, Converter] = {}
        self._bodies: dict[str, Callable[[bytes], bytes]] = {}

    def __call__(self, layout: str, value: Any) -> Any:
        return self.converter(layout)(value)

    def converter(self, name: str) -> Converter:
        """The converter of a layout (compiled on first use); raises :class:`NormalizationError`."""
        fast = self._fast.get(name)
        if fast is None:
            compiled = self._compiled_pair(name)[0]
            checked = self.checked(name)

            def fast(value: Any) -> Any:
                try:
                    return compiled(value)
                except Exception:
                    log = _DRIFT.get()
                    if log is not None:
                        return self.lenient(name, value, "$", log)
                    return checked(value)  # raises NormalizationError naming the field

            self._fast[name] = fast
        return fast

    def list_converter(self, name: str) -> Converter:
        """The converter of a JSON array of one layout: one compiled loop, no call per item."""
        fast = self._fast_lists.get(name)
        if fast is None:
            compiled = self._compiled_pair(name)[1]
            checked = self.checked(name)

            def fast(values: Any) -> Any:
                try:
                    return compiled(values)
                except Exception:
                    if not isinstance(values, list):
                        raise NormalizationError(
                            name, f"expected an array, got {type(values).__name__}"
                        ) from None
                    log = _DRIFT.get()
                    if log is not None:
                        return [self.lenient(name, v, f"$[{i}]", log) for i, v in enumerate(values)]
                    return [checked(value) for value in values]  # names the offending field

            self._fast_lists[name] = fast
        return fast

    def list_body(self, name: str) -> Callable[[bytes], bytes]:
        """``raw`` (the JSON bytes of an array of rows of the tuple layout ``name``) → the JSON bytes of
        ``list_converter(name)(decode_json(raw))``, built without the intermediate lists and dicts: the
        same compiled expressions fill one ``msgspec`` struct per row, whose encoding has the dict's
        keys in the dict's order.

        Raises on anything unusual (where the compiled converter would fall back): the caller then
        takes :meth:`list_converter` and the gateway's encoder, which name or (lenient) null the field.
        """
        body = self._bodies.get(name)
        if body is None:
            layout = self.layouts[name]
            if not layout.is_tuple:
                raise ValueError(f"{name} is not a tuple layout")
            body = self._bodies[name] = self._compile_body(layout)
        return body

    def keyed_list_converter(self, name: str, key: str, decimal_key: bool) -> Converter:
        """A JSON object keyed by a value (``{"3356.9": [0.78, 1], …}``) → a list of objects of layout
        ``name`` carrying their key under ``key`` (canonical decimal text when ``decimal_key``), in the
        object's order. One compiled loop; a failure falls back to the checked path, naming the field."""
        cache_key = f"{name}\x00{key}\x00{decimal_key}"
        fast = self._fast_lists.get(cache_key)
        if fast is None:
            compiled = self._compile(self.layouts[name], key=(key, decimal_key))[1]
            checked = self.checked(name)

            def slow(values: dict[str, Any]) -> list[dict[str, Any]]:
                log = _DRIFT.get()
                keyed = []
                for index, (raw_key, value) in enumerate(values.items()):
                    try:
                        converted_key = canonical_text(raw_key) if decimal_key else raw_key
                    except DecimalError as exc:
                        if log is None:
                            raise NormalizationError(f"{name} key {raw_key!r}", str(exc)) from None
                        log.record(f"$[{index}].{key}")
                        converted_key = None
                    if log is None:
                        keyed.append({key: converted_key, **checked(value)})
                    else:
                        keyed.append({key: converted_key, **self.lenient(name, value, f"$[{index}]", log)})
                return keyed

            def fast(values: Any) -> Any:
                try:
                    return compiled(values)
                except Exception:
                    if not isinstance(values, dict):
                        got = type(values).__name__
                        raise NormalizationError(name, f"expected an object, got {got}") from None
                    return slow(values)

            self._fast_lists[cache_key] = fast
        return fast

    def compiled(self, name: str) -> Converter:
        """The bare compiled converter of a layout: raises on anything unusual (no fallback)."""
        return self._compiled_pair(name)[0]

    def _compiled_pair(self, name: str) -> tuple[Converter, Converter]:
        pair = self._compiled.get(name)
        if pair is None:
            pair = self._compiled[name] = self._compile(self.layouts[name])
        return pair

    def checked(self, name: str) -> Converter:
        """The field-by-field converter of a layout (slower; precise errors)."""
        compiled = self._checked.get(name)
        if compiled is None:
            layout = self.layouts[name]
            # Placeholder first, so self-referencing layouts resolve lazily.
            self._checked[name] = lambda value: self._checked[name](value)
            compiled = self._tuple(layout) if layout.is_tuple else self._object(layout)
            self._checked[name] = compiled
        return compiled

    def lenient(self, name: str, value: Any, path: str, log: DriftLog) -> Any:
        """The checked conversion of a layout, except that a value that cannot be normalized becomes
        ``None`` and its path (``path`` + the normalized field names) is recorded in ``log``."""
        layout = self.layouts[name]
        if not isinstance(value, list if layout.is_tuple else dict):
            log.record(path)
            return None
        row: Any = value
        out: dict[str, Any] = {}
        for index, item in enumerate(layout.fields):
            raw = (row[index] if index < len(row) else None) if layout.is_tuple else row.get(item.wire)
            out[item.name] = (
                None if raw is None else self._lenient_field(item, raw, f"{path}.{item.name}", log)
            )
        if layout.is_tuple:
            if len(row) > len(layout.fields):
                out["extra_slots"] = row[len(layout.fields) :]
        else:
            known = {f.wire for f in layout.fields}
            for wire, raw in row.items():
                if wire not in known:
                    out.setdefault(_snake(wire), raw)
        return out

    def _lenient_field(self, item: Field, raw: Any, path: str, log: DriftLog) -> Any:
        kind = item.kind
        if kind in {"ref", "list", "map"} and item.ref is not None:
            ref = item.ref
            if kind == "ref":
                return self.lenient(ref, raw, path, log)
            if kind == "list" and isinstance(raw, list):
                return [self.lenient(ref, v, f"{path}[{i}]", log) for i, v in enumerate(raw)]
            if kind == "map" and isinstance(raw, dict):
                return {k: self.lenient(ref, v, f"{path}.{k}", log) for k, v in raw.items()}
            log.record(path)
            return None
        convert = self.field(item)
        if convert is None:
            return raw
        try:
            return convert(raw)
        except (DecimalError, TypeError, AttributeError, ValueError):
            log.record(path)
            return None

    # Fast path -----------------------------------------------------------------------------------

    @staticmethod
    def _env() -> dict[str, Any]:
        """What the compiled converters' expressions call."""
        return {"canon": canonical_cached, "to_int": to_int, "snake": _snake}

    def _compile(self, layout: Layout, key: tuple[str, bool] | None = None) -> tuple[Converter, Converter]:
        """Two functions per layout, one value and a list of them, built around one dict display such as
        ``{'market': row[0], 'price': canon(row[6]), …}``."""
        env = self._env()
        parts = []
        for index, item in enumerate(layout.fields):
            source = f"row[{index}]" if layout.is_tuple else f"row.get({item.wire!r})"
            expression = self._expression(item, source, index, env)
            if layout.is_tuple and item.optional:
                # Absent or null optional slots give None; present ones convert.
                value = f"row[{index}]"
                expression = f"({expression} if n > {index} and {value} is not None else None)"
            elif not layout.is_tuple and item.optional and expression != source:
                expression = f"({expression} if row.get({item.wire!r}) is not None else None)"
            # A required value that is missing or null makes the expression raise; the checked
            # converter then passes the null on (drift is the monitor's business) or names the field.
            parts.append(f"{item.name!r}: {expression}")
        if key is not None:  # the list loop iterates (key, row) pairs of an object
            name, decimal_key = key
            text = "canon(k)"
            parts.insert(0, f"{name!r}: {text if decimal_key else 'k'}")
        known = tuple(f.wire for f in layout.fields)
        env["known"] = frozenset(known)
        if layout.is_tuple:
            tail = (
                f"    if n > {len(layout.fields)}:\n        out['extra_slots'] = row[{len(layout.fields)}:]\n"
            )
            head = "    if row.__class__ is not list:\n        raise TypeError\n    n = len(row)\n"
        else:
            tail = (
                f"    if len(row) != {len(known)} or not known.issuperset(row):\n"
                "        for key, value in row.items():\n"
                "            if key not in known:\n"
                "                out.setdefault(snake(key), value)\n"
            )
            head = "    if row.__class__ is not dict:\n        raise TypeError\n"
        body = f"{head}    out = {{{', '.join(parts)}}}\n{tail}"
        one = f"def convert(row):\n{body}    return out\n"
        loop = "".join(f"    {line}\n" for line in body.splitlines())
        if key is None:
            kind, items = "list", "rows"
        else:
            kind, items = "dict", "k, row in rows.items()"
        many = (
            f"def convert_list(rows):\n    if rows.__class__ is not {kind}:\n        raise TypeError\n"
            f"    result = []\n    append = result.append\n    for {items if key else 'row in rows'}:\n{loop}"
            "        append(out)\n    return result\n"
        )
        exec(compile(one + many, f"<normalizer {layout.name}>", "exec"), env)
        return env["convert"], env["convert_list"]

    def _compile_body(self, layout: Layout) -> Callable[[bytes], bytes]:
        """:meth:`list_body`'s function: the rows decoded by ``msgspec`` straight into ``In`` structs
        (array-like, one field per slot, not tracked by the garbage collector: no list per row), then
        ``encode([Out(expr0, expr1, …), …])`` with one expression per slot as in :meth:`_compile`, ``Out``
        a struct whose fields are renamed to the normalized names. A row with more slots than the layout
        (or fewer than its required ones) fails the decode, so the checked path handles it."""
        env: dict[str, Any] = {}
        values = []
        count = len(layout.fields)
        required = count
        while required and layout.fields[required - 1].optional:  # the trailing optional slots
            required -= 1
        types: list[Any] = []
        for index, item in enumerate(layout.fields):
            if item.kind in {"timestamp", "integer"} and item.case is None and not item.none_when:
                # Decoded as int in C (a digit string or a bool fails the decode: the checked path)
                types.append(int | None if item.optional else int)
                values.append(f"row.s{index}")
                continue
            types.append(Any)
            expression = self._expression(item, f"row.s{index}", index, env)
            if item.optional:
                expression = f"({expression} if row.s{index} is not None else None)"
            values.append(expression)
        slots = [f"s{i}" for i in range(count)]
        row_in = msgspec.defstruct(
            f"{layout.name}In",
            [
                (s, t) if i < required else (s, t, None)
                for i, (s, t) in enumerate(zip(slots, types, strict=True))
            ],
            array_like=True,
            forbid_unknown_fields=True,  # extra slots: a decode error, and the checked path keeps them
            gc=False,  # JSON values only, never a reference cycle
        )
        env["Out"] = msgspec.defstruct(
            f"{layout.name}Out",
            [(slot, Any) for slot in slots],
            rename=dict(zip(slots, (f.name for f in layout.fields), strict=True)),
            gc=False,
        )
        decoder = msgspec.json.Decoder(list[row_in], float_hook=canonical_text)  # type: ignore[valid-type]
        env.update(self._env(), decode=decoder.decode, encode=_BODY_ENCODER.encode)
        source = (
            "def body(raw):\n    result = []\n    append = result.append\n"
            f"    for row in decode(raw):\n        append(Out({', '.join(values)}))\n"
            "    return encode(result)\n"
        )
        exec(compile(source, f"<body {layout.name}>", "exec"), env)
        body: Callable[[bytes], bytes] = env["body"]
        return body

    def _expression(self, item: Field, source: str, index: int, env: dict[str, Any]) -> str:
        expression = self._converted(item, source, index, env)
        if item.case is not None:
            method = "upper" if item.case == "upper" else "lower"
            expression = f"(c.{method}() if (c := {expression}).__class__ is str else c)"
        if item.none_when:
            env[f"none_{index}"] = frozenset(item.none_when)
            expression = f"(None if (z := {expression}) in none_{index} else z)"
        return expression

    def _converted(self, item: Field, source: str, index: int, env: dict[str, Any]) -> str:
        kind = item.kind
        if kind == "decimal":
            # One C-level cache lookup for a text seen before (nearly all values); ints, Decimals and
            # new texts take the full path through the cache's __missing__.
            return f"canon({source})"
        if kind in {"timestamp", "integer"}:
            return f"({source} if {source}.__class__ is int else to_int({source}))"
        if kind == "enum" and item.enum is not None:
            table = self.enums[item.enum]
            if all(code == name for code, name in table.items()):
                return source  # identity table (e.g. side buy|sell): nothing to map
            env[f"enum_{index}"] = table.get
            return f"enum_{index}(v := {source}, v)"
        if kind in {"ref", "list", "map"} and item.ref is not None:
            # The raw compiled converters: a failure inside raises, and the outer checked path runs.
            one, many = self._compiled_pair(item.ref)
            env[f"inner_{index}"] = many if kind == "list" else one
            if kind == "map":
                return f"{{k: inner_{index}(v) for k, v in {source}.items()}}"
            return f"inner_{index}({source})"
        return source

    # Checked path --------------------------------------------------------------------------------

    def field(self, item: Field) -> Converter | None:
        """The checked converter of one field's value; ``None`` where the value passes through."""
        convert = self._field(item)
        if item.case is None and not item.none_when:
            return convert
        upper = item.case == "upper"
        nones = frozenset(item.none_when or ())

        def finish(value: Any) -> Any:
            value = convert(value) if convert is not None else value
            if item.case is not None and isinstance(value, str):
                value = value.upper() if upper else value.lower()
            return None if value in nones else value

        return finish

    def _field(self, item: Field) -> Converter | None:
        kind = item.kind
        if kind == "decimal":
            return canonical
        if kind in {"timestamp", "integer"}:
            return to_int
        if kind == "enum" and item.enum is not None:
            table = self.enums[item.enum]
            return lambda value: table.get(value, value)
        if kind == "ref" and item.ref is not None:
            return self.checked(item.ref)
        if kind == "list" and item.ref is not None:
            inner = self.checked(item.ref)
            return lambda values: [inner(v) for v in values]
        if kind == "map" and item.ref is not None:
            inner = self.checked(item.ref)
            return lambda values: {k: inner(v) for k, v in values.items()}
        return None

    def _object(self, layout: Layout) -> Converter:
        plan = [(f.wire, f.name, self.field(f)) for f in layout.fields]
        known = {f.wire for f in layout.fields}
        name = layout.name

        def convert(obj: Any) -> dict[str, Any]:
            if not isinstance(obj, dict):
                raise NormalizationError(name, f"expected an object, got {type(obj).__name__}")
            out: dict[str, Any] = {}
            for wire, key, conv in plan:
                value = obj.get(wire)
                if conv is not None and value is not None:
                    try:
                        value = conv(value)
                    except (DecimalError, TypeError, AttributeError) as exc:
                        raise NormalizationError(f"{name}.{wire}", str(exc)) from None
                out[key] = value
            if len(obj) > len(plan) or any(k not in known for k in obj):
                # Undocumented fields are passed on (snake_case), never dropped; drift is reported elsewhere.
                for wire, value in obj.items():
                    if wire not in known:
                        out.setdefault(_snake(wire), value)
            return out

        return convert

    def _tuple(self, layout: Layout) -> Converter:
        plan = [(f.name, self.field(f)) for f in layout.fields]
        size = len(plan)
        name = layout.name

        def convert(row: Any) -> dict[str, Any]:
            if not isinstance(row, list):
                raise NormalizationError(name, f"expected an array, got {type(row).__name__}")
            out: dict[str, Any] = {}
            for index, (key, conv) in enumerate(plan):
                value = row[index] if index < len(row) else None
                if conv is not None and value is not None:
                    try:
                        value = conv(value)
                    except (DecimalError, TypeError, AttributeError) as exc:
                        raise NormalizationError(f"{name}[{index}] ({key})", str(exc)) from None
                out[key] = value
            if len(row) > size:
                # Slots the spec does not know yet are passed on, never dropped; drift is reported elsewhere.
                out["extra_slots"] = row[size:]
            return out

        return convert
