"""Pure figure builders: data in, `plotly.graph_objects.Figure` out, callable without Streamlit.

Only this subpackage imports plotly; the rest of fontnet works without it.
"""
