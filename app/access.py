"""What every page needs for WCAG 2.1 AA that the theme (.streamlit/config.toml) cannot give: a small browser
script and stylesheet, mounted once per page run by streamlit_app.py (see docs/accessibility.md).

The script (access.js) gives Streamlit's sectioned sidebar navigation the list roles its markup means and draws
the focus ring inside components that isolate their markup; the stylesheet (access.css) keeps keyboard focus
visible and lets wide content scroll inside its own box on a phone. The only data is the theme's primary colour.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

KEY = "fontnet_access"
_HERE = Path(__file__).parent
_component = st.components.v2.component(
    "fontnet_access", js=(_HERE / "access.js").read_text(encoding="utf-8"),
    css=(_HERE / "access.css").read_text(encoding="utf-8"), isolate_styles=False)


def page_access() -> None:
    """Mount the script and stylesheet (once per script run, before the page draws)."""
    _component(key=KEY, data={"primary": st.get_option("theme.primaryColor")})
