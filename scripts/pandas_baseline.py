"""The analyst's alternative: two of the simplest rules with pandas, for the bench to compare against.

ZJ-01: Zhuji certificate training L5-L3 pays the claimed cost up to 3500 yuan (the cap when no cost).
ZJ-06: Zhuji living allowance, 50 yuan per training day for the listed groups.
Then a group-by summary by programme. Usage: pandas_baseline.py roster.csv out.csv
"""
import sys

import pandas as pd

roster, out = sys.argv[1], sys.argv[2]
df = pd.read_csv(roster, dtype=str, keep_default_na=False)
zj = df[df["jurisdiction"] == "zhuji"].copy()

cert = zj[(zj["program"] == "cert_training") & zj["level"].isin(["L5", "L4", "L3"])].copy()
cost = pd.to_numeric(cert["cost"], errors="coerce")
cert["amount"] = cost.clip(upper=3500).fillna(3500)

groups = zj["groups"].str.split(";")
listed = {"low_income_household", "poverty", "employment_difficulty", "zero_employment_family"}
eligible = groups.apply(lambda g: bool(listed.intersection(g)) or ({"two_after", "rural"} <= set(g)) or ({"two_after", "urban_min_living"} <= set(g)))
days = pd.to_numeric(zj["training_days"], errors="coerce")
allowance = zj[eligible & days.notna()].copy()
allowance["amount"] = days[eligible & days.notna()] * 50

lines = pd.concat([cert.assign(rule="ZJ-01"), allowance.assign(rule="ZJ-06")])
summary = lines.groupby("rule").agg(claims=("amount", "size"), persons=("person_id", "nunique"), amount=("amount", "sum"))
summary.to_csv(out)
print(summary.to_string())
