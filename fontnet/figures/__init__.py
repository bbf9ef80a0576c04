"""Pure figure builders, callable without Streamlit: data in, server-drawn SVG/HTML markup or a spec for the
vendored uPlot's live charts (live.py) out. No page loads a charting library before its controls work.
"""
