"""Link settings, one home for every page: a page declares its settings as a `fontnet.settings.Schema`, calls
`page_settings(SCHEMA)` at its top, before any control exists, and `show_notices(SCHEMA)` where notices belong.

What that does, once per run:
- the first time in a session, the link's values for the schema's keys are read (one notice per value not used
  as given, kept for `show_notices`);
- each control's session-state key is `key(schema, name)`, page-scoped ("train.hidden"), so two pages never
  share a control's state even where their links share a key (`hidden` is a number on Train, text on Digits);
- a control whose state Streamlit dropped while another page was open gets the page's last value back;
- the link is rewritten to the settings in use, each as its short link text, defaults left out (and a setting
  declared `in_address=False`, such as a teacher's key, taken out of the address once read).
Controls take their value from session state: create them with `key=key(SCHEMA, name)` and no default value.
Callbacks change a setting with `set_setting`. (Streamlit's `bind="query-params"` is not used: it names the
link key after the control's key and writes an option's display label into the link.)
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from app import first_paint
from app.text import md_literal
from fontnet.settings import Field, Schema


def _read_flag(page: str) -> str:
    return f"_link_read_{page}"


def _notices_key(page: str) -> str:
    return f"_link_notices_{page}"


def key(schema: Schema, name: str) -> str:
    """The session-state key of a setting's control: the page's name, a dot, the setting's link key."""
    schema[name]  # a KeyError for a setting the page does not declare
    return f"{schema.page}.{name}"


def keys(schema: Schema) -> dict[str, str]:
    """Every setting's control key, by name."""
    return {name: key(schema, name) for name in schema.names}


def _store(page: str) -> str:
    return f"_link_values_{page}"


def _control_value(f: Field, value: object) -> object:
    return f.format(value) if f.as_text else value


def page_settings(schema: Schema) -> dict[str, object]:
    """At the top of the page, before its controls: the settings in use by name, as the controls hold them
    (a text box's setting as its text). See the module docstring for what it does."""
    ss = st.session_state
    page = schema.page
    if not ss.get(_read_flag(page)):
        ss[_read_flag(page)] = True
        given = {n: st.query_params.get_all(n) for n in schema.names if n in st.query_params}
        values, notices = schema.read(given)
        ss[_notices_key(page)] = notices
        for name, value in values.items():
            ss[key(schema, name)] = value
    store = ss.setdefault(_store(page), {})
    for f in schema.fields:
        k = key(schema, f.name)
        if k not in ss:
            ss[k] = store.get(f.name, _control_value(f, f.default))
        elif first_paint.after_light():
            ss[k] = ss[k]   # sent with its control again: the page may not have drawn the light run's
        store[f.name] = ss[k]
    _write_link(schema, store)
    return dict(store)


def setting(schema: Schema, name: str) -> object:
    """A setting as its control holds it now (also inside a callback, and its default before the control exists)."""
    return st.session_state.get(key(schema, name), schema[name].default)


def set_setting(schema: Schema, name: str, value: object) -> None:
    """Change a setting from a callback (a preset button): its control and, on the next run, the link follow."""
    st.session_state[key(schema, name)] = _control_value(schema[name], value)


def _write_link(schema: Schema, values: Mapping[str, object]) -> None:
    """The link's keys for this page set to the settings in use; defaults left out, other keys untouched. A setting
    kept out of the address (`Field.in_address`) is taken out of it once read."""
    for f in schema.fields:
        value = values[f.name]
        text = value.strip() if f.as_text and isinstance(value, str) else f.format(value)
        want = [] if text == f.format(f.default) or not f.in_address else [text]
        if st.query_params.get_all(f.name) != want:
            if want:
                st.query_params[f.name] = text
            else:
                del st.query_params[f.name]


def show_notices(schema: Schema) -> None:
    """One warning per link value that was not used as given; shown on the page's first run only (and again on
    the run that draws the whole page after a first visit's light one: app/first_paint.py)."""
    kept = st.session_state.get if first_paint.held_back() else st.session_state.pop
    for notice in kept(_notices_key(schema.page), None) or []:
        st.warning(f"From the link: {md_literal(notice)}", icon=":material/link_off:")
