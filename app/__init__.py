"""Streamlit glue shared by the pages: per-session state and the cached default model."""
