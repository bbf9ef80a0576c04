import streamlit as st

st.title("Predict")
st.info("Coming next.")
