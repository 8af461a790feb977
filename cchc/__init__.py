"""Theo dõi Kế hoạch cải cách hành chính tỉnh Hưng Yên 2016–2020 (the CCHC dashboard's domain package)."""

import os

# openpyxl writes other (equally valid) XML when lxml is importable, and python-docx brings lxml along. The
# standard library's writer keeps every workbook the project writes (templates, sample data, exports)
# byte-identical on every machine, so it is chosen here, before anything imports openpyxl.
os.environ.setdefault("OPENPYXL_LXML", "False")
