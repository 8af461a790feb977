"""Entry point of the CCHC dashboard (minimal until the pages land)."""

import streamlit as st

st.set_page_config(page_title="Theo dõi CCHC Hưng Yên 2016–2020", layout="wide")
st.title("Theo dõi Kế hoạch cải cách hành chính tỉnh Hưng Yên 2016–2020")
