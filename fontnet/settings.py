"""Every page's settings, declared once as a table: name, default, kind (how it reads and writes), help.

A `Schema` is one page's table (`Field`s in order). From it come, with no per-page code:
- reading a link: `read(params)` gives the value in use for each given key and one notice per value not used
  as given, always in the one wording of `notice` and with the one shortening rule of `parsing.shorten`;
- writing the link back: `link(values)` (settings at their default are left out);
- the command line: `add_argument(parser, name)` adds `--name` typed by the same parser;
- checking a settings object built in code: `validate(obj)` (a dataclass's `__post_init__` calls it).

The kinds are shared, so a spelling that works on one page works on every page and on the command line:
- a flag reads 1/0, true/false, yes/no or on/off (any case, spaces ignored) and is written true/false;
- a number reads decimal or scientific notation (0.05, .5, +2, 5e-2, 1e3, spaces ignored); a whole number
  may also group its thousands with , or _ (1,500 and 1_500) and may be written as any number with no
  fraction (1e3, 1000.0); nan and inf are never numbers. A number is written in its shortest exact form.
- a choice reads one of its names (any case) and is written as the name.
- a snapped number (a learning rate on an offered scale) reads as a number and is moved to the nearest
  offered value, with a notice when that changed it; a share also reads as a fraction or percentage (1/3, 25%).
Each table says what else its values accept (layer widths 32,16; a hex colour; the Teach page's answers).

Like TensorFlow Playground's `State.PROPS` and scikit-learn's `_parameter_constraints`, the table is data:
adding a setting to a page is one `Field`.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass

import numpy as np

from .parsing import SettingsError, counted, number_words, quoted, shorten, span

__all__ = [
    "Choice", "Colour", "Corrected", "Field", "Flag", "Kind", "LayerWidths", "Names", "Number", "RoomCode", "Rule", "RunList",
    "Schema", "SettingsError", "Snapped", "Text", "Whole", "format_number", "notice", "quoted", "read_number",
    "shorten",
]


class Corrected(Exception):
    """Raised by a kind's `parse` when it can use a value, but not as written (a learning rate moved to the
    scale, a list with one bad part dropped). `using` says what is used, for the notice."""

    def __init__(self, value: object, problem: str, using: str):
        super().__init__(problem)
        self.value, self.problem, self.using = value, problem, using


def notice(key: str, raw: str, problem: str, using: str) -> str:
    """The one wording of a link value that was not used as given."""
    return f"{key}={quoted(raw)} is {problem}; using {using}."


# ---- numbers ------------------------------------------------------------------------------------------------
def read_number(text: object, grouping: bool = False) -> float:
    """A finite number from text (see the module docstring); `grouping` allows 1,500 for whole numbers."""
    s = str(text).strip()
    if grouping:
        s = s.replace(",", "").replace("_", "")
    try:
        v = float(s)
    except ValueError:
        raise SettingsError("not a number") from None
    if not math.isfinite(v):
        raise SettingsError("not a finite number")
    return v


def format_number(v: float) -> str:
    """The shortest text that reads back as exactly `v`: 0.05, 6, -1.5, 1e-05."""
    if float(v) == int(v) and abs(v) < 1e16:
        return str(int(v))
    return repr(float(v))


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


# ---- the kinds: how one setting reads from text, writes as text, and is checked as a value ---------------------
class Kind:
    """A setting's parser and formatter. `parse` raises SettingsError (the default is used) or Corrected (a
    nearby value is used); `check` raises SettingsError for a value built in code and returns it normalised."""

    def parse(self, text: str) -> object:
        raise NotImplementedError

    def format(self, value: object) -> str:
        return str(value)

    def check(self, value: object) -> object:
        return self.parse(self.format(value))

    def pick(self, raws: Sequence[str]) -> str:
        """The text to read when a link repeats the key: the last one."""
        return raws[-1] if raws else ""


@dataclass(frozen=True)
class Whole(Kind):
    """A whole number in lo-hi (hi None: no upper limit)."""

    lo: int = 0
    hi: int | None = None

    def parse(self, text: str) -> int:
        try:
            v = read_number(text, grouping=True)
        except SettingsError:
            raise SettingsError("not a whole number") from None
        if v != int(v):
            raise SettingsError("not a whole number")
        return self.check(int(v))

    def check(self, value: object) -> int:
        if not isinstance(value, (int, np.integer)) or isinstance(value, (bool, np.bool_)):
            raise SettingsError("not a whole number")
        if value < self.lo or (self.hi is not None and value > self.hi):
            raise SettingsError(f"outside {span(self.lo, self.hi)}" if self.hi is not None
                                else f"below {self.lo:,}")
        return int(value)


@dataclass(frozen=True)
class Number(Kind):
    """A finite number in lo-hi; `above_lo` excludes lo itself (a learning rate above 0)."""

    lo: float = -math.inf
    hi: float = math.inf
    above_lo: bool = False

    def parse(self, text: str) -> float:
        return self.check(read_number(text))

    def format(self, value: object) -> str:
        return format_number(value)

    def check(self, value: object) -> float:
        if not _is_number(value) or not math.isfinite(value):
            raise SettingsError("not a number")
        if value < self.lo or value > self.hi or (self.above_lo and value == self.lo):
            if self.above_lo and self.hi == math.inf:
                raise SettingsError(f"not above {format_number(self.lo)}")
            raise SettingsError(f"outside {format_number(self.lo)} to {format_number(self.hi)}")
        return float(value)


@dataclass(frozen=True)
class Flag(Kind):
    """On or off: 1/0, true/false, yes/no, on/off."""

    def parse(self, text: str) -> bool:
        s = str(text).strip().lower()
        if s in ("1", "true", "yes", "on"):
            return True
        if s in ("0", "false", "no", "off"):
            return False
        raise SettingsError("not true or false (or 1/0, yes/no, on/off)")

    def format(self, value: object) -> str:
        return "true" if value else "false"

    def check(self, value: object) -> bool:
        if not isinstance(value, (bool, np.bool_)):
            raise SettingsError("not true or false")
        return bool(value)


class Choice(Kind):
    """One of a few names; `options` maps each name to the words a page shows for it (or lists the names)."""

    def __init__(self, options: Mapping[str, str] | Sequence[str]):
        self.labels: dict[str, str] = dict(options) if isinstance(options, Mapping) else {o: o for o in options}
        self.names: tuple[str, ...] = tuple(self.labels)

    def parse(self, text: str) -> str:
        return self.check(str(text).strip().lower())

    def check(self, value: object) -> str:
        if value not in self.labels:
            raise SettingsError(f"not one of {', '.join(self.names)}")
        return value

    def label(self, name: str) -> str:
        return self.labels[name]


def read_share(text: str) -> float:
    """A share: a number, a fraction (1/3) or a percentage (25%)."""
    s = str(text).strip()
    try:
        if "/" in s:
            a, b = s.split("/", 1)
            return read_number(a) / read_number(b)
        if s.endswith("%"):
            return read_number(s[:-1]) / 100
    except ZeroDivisionError:
        raise SettingsError("not a share such as 1/3 or 0.25") from None
    return read_number(s)


class Snapped(Kind):
    """A number moved to the nearest of `choices` (log-spaced when `log`), read by `read` and written by `fmt`.
    Values beyond the ends by more than `slack` (a fraction of the end value) are refused."""

    def __init__(self, choices: Sequence[float], log: bool = True, read: Callable[[str], float] = read_number,
                 fmt: Callable[[float], str] = format_number, slack: float = 0.001):
        self.choices, self.log, self.read, self.fmt = tuple(choices), log, read, fmt
        lo, hi = self.choices[0], self.choices[-1]
        self.within = (lo * (1 - slack), hi * (1 + slack)) if log else (lo - slack, hi + slack)

    def parse(self, text: str) -> float:
        v = self.read(text)
        if not self.within[0] <= v <= self.within[1]:
            raise SettingsError(f"outside {self.fmt(self.choices[0])} to {self.fmt(self.choices[-1])}")
        key = (lambda c: abs(math.log(c) - math.log(v))) if self.log else (lambda c: abs(c - v))
        nearest = min(self.choices, key=key)
        if not math.isclose(v, nearest, rel_tol=1e-9):
            raise Corrected(nearest, "not on the offered scale", f"the nearest value, {self.fmt(nearest)}")
        return nearest

    def format(self, value: object) -> str:
        return self.fmt(value)

    def check(self, value: object) -> float:
        if not _is_number(value) or not any(math.isclose(value, c, rel_tol=1e-9) for c in self.choices):
            raise SettingsError("not on the offered scale")
        return float(value)


class Text(Kind):
    """Free text that `validate` accepts (it raises ValueError naming the problem); the value is the text."""

    def __init__(self, validate: Callable[[str], object]):
        self.validate = validate

    def parse(self, text: str) -> str:
        try:
            self.validate(text)
        except ValueError as e:
            raise SettingsError(f"not valid ({e})") from None
        return text

    def check(self, value: object) -> str:
        if not isinstance(value, str):
            raise SettingsError("not text")
        return self.parse(value)


class Names(Kind):
    """Several names from a list (a multiselect), written comma-separated; a link may also repeat the key.
    Unknown names are dropped with a notice; a list of nothing but unknown names falls back to the default."""

    def __init__(self, names: Sequence[str]):
        self.names = tuple(names)

    def pick(self, raws: Sequence[str]) -> str:
        return ",".join(raws)

    def parse(self, text: str) -> list[str]:
        given = [n.strip().lower() for n in str(text).split(",") if n.strip()]
        known = list(dict.fromkeys(n for n in given if n in self.names))
        unknown = [n for n in given if n not in self.names]
        if unknown and not known:
            raise SettingsError(f"not a list of names from {', '.join(self.names)}")
        if unknown:
            raise Corrected(known, f"partly unknown ({quoted(unknown[0])} is not one of {', '.join(self.names)})",
                            ",".join(known))
        return known

    def format(self, value: object) -> str:
        return ",".join(value)

    def check(self, value: object) -> list[str]:
        if not isinstance(value, (list, tuple)) or any(n not in self.names for n in value):
            raise SettingsError(f"not a list of names from {', '.join(self.names)}")
        return list(value)


class RoomCode(Kind):
    """A class room's code as a teacher shows it (K7F-3QX: any case, spaces and dashes ignored), kept as K7F3QX;
    empty: no room. What a code is, is the store's rule (fontnet.store.code_problem)."""

    def parse(self, text: str) -> str:
        from .store import code_problem, normalise_code  # here: the store brings SQLAlchemy, most pages need none

        if not str(text).strip():
            return ""
        if (problem := code_problem(str(text))) is not None:
            raise SettingsError(problem)
        return normalise_code(str(text))

    def check(self, value: object) -> str:
        if not isinstance(value, str):
            raise SettingsError("not text")
        return self.parse(value)


class Colour(Kind):
    """A background colour: #rrggbb or #rgb, '#' optional, any case; used as '#rrggbb', written without '#'."""

    def __init__(self, read: Callable[[str], str | None]):
        self.read = read

    def parse(self, text: str) -> str:
        if (hex_colour := self.read(str(text).strip())) is None:
            raise SettingsError("not a hex colour like ffc0cb")
        return hex_colour

    def format(self, value: object) -> str:
        return str(value).lstrip("#")


@dataclass(frozen=True)
class LayerWidths(Kind):
    """Hidden layer widths such as 32,16: 1 to `layers` layers of lo-hi nodes; written 32,16, and read as any typed
    list of numbers is (`parsing.number_words`: 32 16, 32;16 and (32, 16) too)."""

    layers: int
    lo: int
    hi: int

    def parse(self, text: str) -> tuple[int, ...]:
        parts = number_words(text)
        try:
            if not parts:
                raise SettingsError("empty")
            sizes = tuple(Whole(0).parse(p) for p in parts)
        except SettingsError:
            raise SettingsError("not a list of layer widths such as 32,16") from None
        return self.check(sizes)

    def format(self, value: object) -> str:
        return value if isinstance(value, str) else ",".join(str(int(h)) for h in value)

    def check(self, value: object) -> tuple[int, ...]:
        if not isinstance(value, tuple) or not all(type(h) is int for h in value):
            raise SettingsError("not a tuple of whole numbers")
        if not 1 <= len(value) <= self.layers:
            raise SettingsError(f"{len(value)} layers, not 1 to {self.layers}")
        if any(not self.lo <= h <= self.hi for h in value):
            raise SettingsError(f"not layers of {self.lo} to {self.hi} nodes")
        return value


# ---- a page's table -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Field:
    """One setting: its link key (and command-line flag), default, kind (parser and formatter) and help line.
    `as_text`: the page's control is a text box, so it holds the setting as its link text. `in_address` False: read
    from a link that carries it, but never written into the page's address (a secret, such as a teacher's key, which
    should not show in an address bar on a projector)."""

    name: str
    default: object
    kind: Kind
    help: str = ""
    as_text: bool = False
    in_address: bool = True

    def parse(self, text: str) -> object:
        return self.kind.parse(text)

    def format(self, value: object) -> str:
        return self.kind.format(value)


@dataclass(frozen=True)
class Rule:
    """A check across settings (`ok(values)`, e.g. xmin below xmax); when a link breaks it, `names` go back
    to their defaults with one notice saying `why`."""

    names: tuple[str, ...]
    ok: Callable[[Mapping[str, object]], bool]
    why: str


@dataclass(frozen=True)
class Schema:
    """One page's settings, in the order the page shows them."""

    page: str
    fields: tuple[Field, ...]
    rules: tuple[Rule, ...] = field(default=())

    def __post_init__(self):
        names = [f.name for f in self.fields]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.page}: a setting is declared twice")
        for f in self.fields:
            f.kind.check(f.parse(f.format(f.default)))  # every default reads back from its own link text

    def __getitem__(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def defaults(self) -> dict[str, object]:
        return {f.name: f.default for f in self.fields}

    def format(self, name: str, value: object) -> str:
        return self[name].format(value)

    def read(self, params: Mapping[str, str | Sequence[str]]) -> tuple[dict[str, object], list[str]]:
        """The value in use for each of this page's keys in `params` (a link's query parameters, each a string
        or a list of strings), and one notice per value not used as given. Other keys are ignored."""
        values: dict[str, object] = {}
        notices: list[str] = []
        raw: dict[str, str] = {}
        for f in self.fields:
            if f.name not in params:
                continue
            given = params[f.name]
            raw[f.name] = text = f.kind.pick([given] if isinstance(given, str) else [str(g) for g in given])
            try:
                values[f.name] = f.parse(text)
            except Corrected as c:
                values[f.name] = c.value
                notices.append(notice(f.name, text, c.problem, c.using))
            except SettingsError as e:
                values[f.name] = f.default
                default = f.format(f.default)
                notices.append(notice(f.name, text, str(e), f"the default, {default}" if default else f"no {f.name}"))
            if f.as_text:
                values[f.name] = f.format(values[f.name])
        for rule in self.rules:
            merged = self.defaults() | {n: self[n].parse(v) if self[n].as_text else v for n, v in values.items()}
            if any(n in raw for n in rule.names) and not rule.ok(merged):
                unnoticed = [n for n in rule.names if n in raw and not any(m.startswith(f"{n}=") for m in notices)]
                for n in rule.names:
                    f = self[n]
                    values[n] = f.format(f.default) if f.as_text else f.default
                if unnoticed:
                    using = " and ".join(f"{n}={self.format(n, self[n].default)}" for n in rule.names)
                    notices.append(notice(unnoticed[0], raw[unnoticed[0]], rule.why, f"the defaults, {using}"))
        return values, notices

    def link(self, values: Mapping[str, object], only_changed: bool = True) -> dict[str, str]:
        """The query parameters that reproduce `values` (settings at their default left out unless asked)."""
        out = {}
        for f in self.fields:
            if f.name in values:
                text = f.format(values[f.name])
                if not only_changed or text != f.format(f.default):
                    out[f.name] = text
        return out

    def validate(self, values: Mapping[str, object] | object) -> dict[str, object]:
        """Check settings built in code (a mapping or an object with these attributes, e.g. a dataclass);
        SettingsError names the first bad one. Returns the values, normalised."""
        if is_dataclass(values):
            values = {f.name: getattr(values, f.name) for f in fields(values)}
        out = {}
        for f in self.fields:
            if f.name not in values:
                continue
            try:
                out[f.name] = f.kind.check(values[f.name])
            except SettingsError as e:
                raise SettingsError(f"{f.name}={shorten(repr(values[f.name]))} is {e}") from None
        return out

    # ---- the command line --------------------------------------------------------------------------------------
    def add_argument(self, parser: argparse.ArgumentParser, name: str, flag: str | None = None,
                     **overrides) -> argparse.Action:
        """`--name` (or `flag`) on `parser`, read by this setting's parser: a value a link would correct
        (a learning rate off the scale) is an error on the command line. `overrides` go to argparse."""
        f = self[name]
        options = dict(type=cli_type(f.kind, f.name), default=f.default, help=f.help or None)
        if isinstance(f.kind, Choice):
            options["metavar"] = "{" + ",".join(f.kind.names) + "}"
        return parser.add_argument(flag or f"--{name}", **(options | overrides))

    def add_arguments(self, parser: argparse.ArgumentParser, names: Iterable[str] | None = None) -> None:
        for name in names or self.names:
            self.add_argument(parser, name)


def cli_type(kind: Kind, name: str = "value") -> Callable[[str], object]:
    """An argparse `type` reading with `kind`: its problem, in the one wording, as argparse's error."""
    def read(text: str) -> object:
        try:
            return kind.parse(text)
        except Corrected as c:
            raise argparse.ArgumentTypeError(f"{quoted(text)} is {c.problem}; the nearest is {kind.format(c.value)}") \
                from None
        except SettingsError as e:
            raise argparse.ArgumentTypeError(f"{quoted(text)} is {e}") from None
    read.__name__ = name
    return read


# =================================================================================================================
# The pages' tables. Limits and choices live here, in the table; the engine modules read them from it.
# =================================================================================================================
from . import activations as _act  # noqa: E402  (the tables need the engine's names; the machinery above does not)

# ---- Activations ------------------------------------------------------------------------------------------------
ACTIVATIONS = Schema("activations", (
    Field("fn", ["logistic", "relu"], Names(tuple(_act.ACTIVATIONS)), "the functions plotted, e.g. relu,tanh"),
    Field("deriv", True, Flag(), "draw each derivative (dashed)"),
    Field("xmin", -6.0, Number(-100.0, 100.0), "the curves' x axis from"),
    Field("xmax", 6.0, Number(-100.0, 100.0), "the curves' x axis to"),
    Field("slope", _act.LEAKY_SLOPE, Number(0.0, 1.0), "leaky ReLU's slope for negative inputs"),
    Field("logits", "2.0, 1.0, 0.1", Text(_act.parse_logits),
          f"{_act.MIN_LOGITS} to {_act.MAX_LOGITS} numbers fed to softmax"),
    Field("temp", 1.0, Number(0.1, 5.0), "softmax temperature"),
    Field("depth", 10, Whole(1, 20), "layers the gradient passes through"),
    Field("at", 0.0, Number(-5.0, 5.0), "every layer's input x"),
), rules=(Rule(("xmin", "xmax"), lambda v: v["xmin"] < v["xmax"], "in the wrong order (xmin must be below xmax)"),))

# ---- Predict -----------------------------------------------------------------------------------------------------
from . import presets as _presets  # noqa: E402

COLOUR_HELP = "the background colour: ffc0cb, #FFC0CB or f0c"
PREDICT = Schema("predict", (
    Field("bg", _presets.DEFAULT_BG, Colour(_presets.url_colour), COLOUR_HELP),
    Field("math", False, Flag(), "show the same numbers as matrix arithmetic"),
))

# ---- Backprop ----------------------------------------------------------------------------------------------------
from .backprop import LOSS_NAMES as _LOSS_NAMES  # noqa: E402

MAX_SEED = 2**32 - 1
SEED_HELP = "seeds the random numbers (the split, the first weights, the order): 0 to 4,294,967,295"
HIDDEN_ACTIVATION = Choice({name: _act.ACTIVATIONS[name].label for name in _act.HIDDEN_ACTIVATIONS})
BACKPROP = Schema("backprop", (
    Field("turn", False, Flag(), "Your turn: you do the step's arithmetic and the page checks it"),
    Field("bg", _presets.DEFAULT_BG, Colour(_presets.url_colour), COLOUR_HELP),
    Field("label", "formula", Choice({"formula": "From the formula", "dark": "Dark text (Y = 1)",
                                      "light": "Light text (Y = 0)"}), "the target Y: from the formula, dark or light"),
    Field("model", "fresh", Choice({"fresh": "Fresh weights (seeded)", "default": "The default model",
                                    "session": "This session's model"}), "the network the step starts from"),
    Field("seed", 0, Whole(0, MAX_SEED), "fresh weights, uniform in [0, 1) from this seed"),
    Field("act", "relu", HIDDEN_ACTIVATION, "the hidden activation"),
    Field("loss", "squared", Choice(_LOSS_NAMES), "the cost"),
    Field("lr", 0.05, Number(1e-6, 1e15), "the step's learning rate (the chapter uses 0.05)"),
    Field("steps", 100, Whole(1, 1000), "how many steps 'Apply N steps' takes"),
    Field("printed", False, Flag(), "show the chapter's printed backward pass beside the chain rule"),
    Field("sympy", False, Flag(), "derive the factors with SymPy"),
))

# ---- Teach -------------------------------------------------------------------------------------------------------
from . import teach as _teach  # noqa: E402


class Answers(Kind):
    """The Teach page's answers, ffc0cb.d,000080.l (a colour, then d for dark text or l for light): the parts
    that can be read are kept, in their short form, with one notice naming what was skipped."""

    def parse(self, text: str) -> str:
        answers, problems = _teach.decode_link(text)
        value = _teach.encode_link(answers)
        if problems:
            n = len(answers)
            raise Corrected(value, f"{'partly unusable' if n else 'not a list of answers'} ({'; '.join(problems)})",
                            f"the {counted(n, 'answer')} kept" if n else "no answers")
        return value


ROOM_HELP = "a class room's code, as the teacher shows it: K7F-3QX"
TEACH = Schema("teach", (
    Field("labels", "", Answers(), f"your answers, at most {_teach.MAX_ANSWERS}: ffc0cb.d,000080.l"),
    Field("ask", _teach.DEFAULT_STRATEGY, Choice(_teach.STRATEGIES), "how the next colour is chosen"),
    Field("room", "", RoomCode(), ROOM_HELP + " (each answer is also saved to that room)"),
))


# ---- Class -------------------------------------------------------------------------------------------------------
def _teacher_key(text: str) -> str:
    from .store import check_key  # here: the store brings SQLAlchemy

    return check_key(text) if text else text


CLASS = Schema("class", (
    Field("room", "", RoomCode(), ROOM_HELP),
    Field("key", "", Text(_teacher_key), "the room's teacher key: whoever holds it runs the room", in_address=False),
))

# ---- Train -------------------------------------------------------------------------------------------------------
from . import data as _data  # noqa: E402


def format_share(v: float) -> str:
    """A test share as the slider and the link write it: 1/3 for a third, else 0.25."""
    return "1/3" if math.isclose(v, 1 / 3) else format_number(v)


TRAIN = Schema("train", (
    Field("lr", 0.05, Snapped((1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0)),
          "Log scale, 0.0001 to 2. The chapter uses 0.05."),
    Field("iterations", 100_000, Whole(1, 1_000_000), "One weight update each. The chapter runs 100,000."),
    Field("layers", 1, Whole(1, 3), "Hidden layers."),
    Field("hidden", 3, Whole(1, 16), "Nodes per hidden layer."),
    Field("activation", "relu", HIDDEN_ACTIVATION, "The hidden layers' activation."),
    Field("loss", "squared", Choice({"squared": "squared error (the chapter)", "cross_entropy": "cross-entropy"}),
          "The cost."),
    Field("mode", "chapter", Choice({"chapter": "per-sample SGD (the chapter)", "minibatch": "mini-batch SGD",
                                     "full": "full-batch gradient descent"}), "How many rows each update sees."),
    Field("batch", 32, Whole(1, 1024), "Used in mini-batch mode."),
    Field("init", "uniform", Choice({"uniform": "uniform [0, 1) (the chapter)", "he": "He (normal, for ReLU)",
                                     "xavier": "Xavier (uniform, for tanh/logistic)"}), "The first weights."),
    Field("seed", 0, Whole(0, MAX_SEED),
          "Seeds the split, the first weights, the sample order and the generated or random colours."),
    Field("test", 1 / 3, Snapped((0.1, 0.2, 0.25, 1 / 3, 0.4, 0.5), log=False, read=read_share, fmt=format_share,
                                 slack=0.05), "Held out for testing; the chapter holds out 1/3."),
    Field("data", "chapter", Choice({
        "chapter": "the chapter's data (its CSV: 1,345 rows, 661 colours)",
        "generated": "generated colours (CSS names, a grey ramp and seeded random colours; 1,345 rows)",
        "random": "N uniform random colours", "upload": "your CSV"}), "The data set."),
    Field("n", 1000, Whole(10, _data.MAX_ROWS), "How many random colours (data=random)."),
))

# ---- Tune ---------------------------------------------------------------------------------------------------------
from . import tuning as _tuning  # noqa: E402

TUNE = Schema("tune", (
    *(Field(key, _tuning.START[key], Number(-_tuning.LIMIT, _tuning.LIMIT), f"{label} of the 3-3-1 network")
      for key, label in _tuning.LABELS.items()),
    *(Field(key, True, Flag(), f"hidden node {k} on (off: it passes 0 on)") for k, key in enumerate(_tuning.NODE_KEYS, 1)),
    Field("slice", "b", Choice({"r": "R", "g": "G", "b": "B"}), "the maps' fixed channel: r, g or b"),
    Field("at", 128, Whole(0, 255), "the fixed channel's value, 0–255"),
))


# ---- Train: runs kept for comparison ----------------------------------------------------------------------------
class RunList(Kind):
    """Runs kept for comparison, at most `most`: each its settings that differ from `schema`'s defaults, always
    its seed, and start:k when its first weights were kept run k's. Pairs name:value, runs separated by ~:
    lr:0.5,seed:3~mode:full,seed:0,start:1. Runs that cannot be read are dropped with one notice naming why."""

    def __init__(self, schema: Schema, most: int):
        self.schema, self.most = schema, most

    def _run(self, text: str, before: int) -> dict[str, object]:
        run: dict[str, object] = {}
        for part in text.split(","):
            name, _, value = (p.strip() for p in part.partition(":"))
            if name == "start":
                run[name] = Whole(0).parse(value)
                if run[name] > before:
                    raise SettingsError(f"start:{value} is not a run kept before it")
            elif name in self.schema.names:
                try:
                    run[name] = self.schema[name].parse(value)
                except Corrected as c:   # a learning rate off the scale: a run that was never trained here
                    raise SettingsError(f"{name}:{value} is {c.problem}") from None
            else:
                raise SettingsError(f"{quoted(name)} is not a setting")
        return self.canonical(run)

    def canonical(self, run: Mapping[str, object]) -> dict[str, object]:
        """The run as the link writes it: the settings that differ from the defaults, in the table's order, the
        seed always, then start when it is not 0."""
        out = {f.name: run[f.name] for f in self.schema.fields
               if f.name in run and (f.name == "seed" or f.format(run[f.name]) != f.format(f.default))}
        out.setdefault("seed", self.schema["seed"].default)
        if run.get("start"):
            out["start"] = run["start"]
        return out

    def parse(self, text: str) -> tuple[dict[str, object], ...]:
        runs: list[dict[str, object]] = []
        problems: list[str] = []
        for k, part in enumerate(p.strip() for p in str(text).split("~")):
            if not part:
                continue
            if len(runs) == self.most:
                problems.append(f"only {self.most} runs are kept")
                break
            try:
                runs.append(self._run(part, len(runs)))
            except SettingsError as e:
                problems.append(f"run {k + 1}: {e}")
        if problems:
            n = len(runs)
            raise Corrected(tuple(runs), f"{'partly unusable' if n else 'not a list of runs'} ({'; '.join(problems)})",
                            f"the {counted(n, 'run')} kept" if n else "no runs")
        return tuple(runs)

    def format(self, value: object) -> str:
        return "~".join(",".join(f"{k}:{Whole(0).format(v) if k == 'start' else self.schema.format(k, v)}"
                                 for k, v in run.items()) for run in value)

    def check(self, value: object) -> tuple[dict[str, object], ...]:
        if not isinstance(value, (list, tuple)) or not all(isinstance(r, Mapping) for r in value):
            raise SettingsError("not a list of runs")
        return self.parse(self.format(tuple(self.canonical(r) for r in value)))


MAX_KEPT = 4
COMPARE = Schema("compare", (
    Field("kept", (), RunList(TRAIN, MAX_KEPT),
          f"runs kept for comparison (at most {MAX_KEPT}): lr:0.5,seed:3~mode:full,seed:0"),
    Field("start", 0, Whole(0, MAX_KEPT), "start from kept run k's first weights (0: the seed's own)"),
), rules=(Rule(("start",), lambda v: v["start"] <= len(v["kept"]), "beyond the runs the link keeps"),))

# ---- Digits ------------------------------------------------------------------------------------------------------
DIGITS = Schema("digits", (
    Field("hidden", (32, 16), LayerWidths(2, 4, 64), "1 or 2 layers of 4–64 nodes, e.g. 32,16 or 24.", as_text=True),
    Field("activation", "relu", HIDDEN_ACTIVATION, "The hidden layers' activation; the outputs use softmax."),
    Field("lr", 0.005, Snapped((1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 0.01, 0.02, 0.05, 0.1)),
          "Adam's step size; mini-batches of 32 images."),
    Field("iterations", 1500, Whole(1, 20_000), "One update on a mini-batch of 32 images each."),
    Field("seed", 0, Whole(0, MAX_SEED), "Seeds the split, the first weights and the batches."),
))
