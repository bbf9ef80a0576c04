"""Pure figure builders, callable without Streamlit: data in, server-drawn SVG/HTML markup or a spec for the
vendored uPlot's live charts (live.py) out; the Digits page's figures are still plotly figures.

Only this subpackage imports plotly; the rest of fontnet works without it.
"""
