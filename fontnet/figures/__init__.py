"""Pure figure builders, callable without Streamlit: data in, a `plotly.graph_objects.Figure` out, or, for the
Predict page's network diagram and P(dark) bar (network.py), SVG and HTML markup the browser draws at once.

Only this subpackage imports plotly; the rest of fontnet works without it.
"""
