"""Link settings, one home for every page.

A page's widgets use their URL keys as widget keys and `bind="query-params"`, so the link always shows the
settings in use. What Streamlit cannot do for us is say why a value in a shared link was not used: it drops
a value it cannot read without a word, and seeds some widgets from raw values it then fails on. So, once per
session and page and before any widget exists, `read_link` hands the page's keys to the engine's parser, puts
each value in use into session state, writes it back into the link where it differs from what was typed,
and keeps one notice per rejected or corrected value for `show_notices`.

The Activations page's settings live here too (`activations_settings`): page defaults and limits are the app's
concern; the parsing of logits stays in the engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import numpy as np
import streamlit as st

from app.text import md_literal
from fontnet.activations import ACTIVATIONS, LEAKY_SLOPE, LogitsError, parse_logits

Params = Mapping[str, list[str]]
Parser = Callable[[Params], tuple[Mapping[str, object], Iterable[str]]]
Formatter = Callable[[str, object], "str | list[str]"]


def _read_flag(page: str) -> str:
    return f"_link_read_{page}"


def _notices_key(page: str) -> str:
    return f"_link_notices_{page}"


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else [str(v) for v in value]


def read_link(page: str, keys: Iterable[str], parse: Parser, fmt: Formatter = lambda key, value: str(value)) -> None:
    """Once per session and page, before the page's widgets exist: read, check and apply the link's settings.

    `parse` gets the page's keys present in the link (each as its list of raw strings) and returns the value in
    use for each and one plain-text notice per value not used as given. `fmt(key, value)` is that value as the
    link writes it (a list for repeated keys). A link that had to change is rewritten and the page rerun once,
    so Streamlit seeds every bound widget from the value in use.
    """
    ss = st.session_state
    if ss.get(_read_flag(page)):
        return
    ss[_read_flag(page)] = True
    given = {k: st.query_params.get_all(k) for k in keys if k in st.query_params}
    values, notices = parse(given)
    ss[_notices_key(page)] = list(notices)
    rewritten = False
    for key, value in values.items():
        ss[key] = value
        in_use = _as_list(fmt(key, value))
        if key in given and given[key] != in_use:
            st.query_params[key] = in_use if len(in_use) != 1 else in_use[0]
            rewritten = True
    if rewritten:
        st.rerun()


def show_notices(page: str) -> None:
    """One warning per link value that was not used as given; shown on the page's first run only."""
    for notice in st.session_state.pop(_notices_key(page), None) or []:
        st.warning(f"From the link: {md_literal(notice)}", icon=":material/link_off:")


# ---- the Activations page's settings ----------------------------------------------------------------------
ACTIVATIONS_DEFAULTS: dict[str, object] = {
    "fn": ["logistic", "relu"], "deriv": True, "xmin": -6.0, "xmax": 6.0, "slope": LEAKY_SLOPE,
    "logits": "2.0, 1.0, 0.1", "temp": 1.0, "depth": 10, "at": 0.0,
}
ACTIVATIONS_LIMITS: dict[str, tuple[float, float]] = {
    "xmin": (-100.0, 100.0), "xmax": (-100.0, 100.0), "slope": (0.0, 1.0), "temp": (0.1, 5.0),
    "depth": (1, 20), "at": (-5.0, 5.0),
}
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


def shown(value: str) -> str:
    """A raw link value for a notice: quoted, and cut short when long."""
    return repr(value if len(value) <= 30 else value[:27] + "...")


def activations_settings(params: Params) -> tuple[dict[str, object], list[str]]:
    """The Activations page's settings from its link (each value a list of raw strings).

    Returns the settings for every key in ACTIVATIONS_DEFAULTS (bad values fall back to the default) and one
    plain-text notice per value not used. `fn` accepts comma-separated names (`fn=relu,logistic`) as well as
    repeated keys.
    """
    D = ACTIVATIONS_DEFAULTS
    settings, notices = dict(D), []

    def bad(key: str, raw: str, why: str) -> None:
        notices.append(f"URL parameter {key}={shown(raw)} {why}; using the default {D[key]!r}.")

    if "fn" in params:
        names = [n.strip() for raw in params["fn"] for n in raw.split(",") if n.strip()]
        unknown = [n for n in names if n not in ACTIVATIONS]
        known = list(dict.fromkeys(n for n in names if n in ACTIVATIONS))
        if unknown:
            notices.append(f"URL parameter fn: unknown function {shown(unknown[0])}; "
                           f"known are {', '.join(ACTIVATIONS)}.")
        settings["fn"] = known if known or not unknown else list(D["fn"])
    if "deriv" in params:
        raw = params["deriv"][-1]
        if raw.strip().lower() in _TRUE | _FALSE:
            settings["deriv"] = raw.strip().lower() in _TRUE
        else:
            bad("deriv", raw, "is not 1/0 or true/false")
    for key, (lo, hi) in ACTIVATIONS_LIMITS.items():
        if key not in params:
            continue
        raw = params[key][-1]
        try:
            v = float(raw)
        except ValueError:
            bad(key, raw, "is not a number")
            continue
        if not (np.isfinite(v) and lo <= v <= hi):
            bad(key, raw, f"is outside {lo:g} to {hi:g}")
        elif key == "depth" and v != int(v):
            bad(key, raw, "is not a whole number")
        else:
            settings[key] = int(v) if key == "depth" else v
    if settings["xmin"] >= settings["xmax"]:
        notices.append(f"URL range xmin={settings['xmin']:g} is not below xmax={settings['xmax']:g}; "
                       f"using the default range {D['xmin']:g} to {D['xmax']:g}.")
        settings["xmin"], settings["xmax"] = D["xmin"], D["xmax"]
    if "logits" in params:
        raw = params["logits"][-1]
        try:
            parse_logits(raw)
            settings["logits"] = raw
        except LogitsError as e:
            notices.append(f"URL parameter logits={shown(raw)}: {e}; using the default {D['logits']!r}.")
    return settings, notices
