#!/usr/bin/env python3
"""Write fixtures/zhuji/roster.xlsx from fixtures/zhuji/roster.csv with openpyxl (a writer other than ours): dates that
read as dates become date cells, whole amounts and counts become numbers, everything else stays text; a second sheet
of notes follows the roster. Run from the repository root: python3 scripts/make-xlsx-fixture.py (needs python3-openpyxl)."""
import csv
import datetime
import re

import openpyxl

NUMBERS = {'training_days', 'months', 'years', 'cost', 'standard'}

def cell(field, value):
    if field == 'date':
        m = re.fullmatch(r'(\d{4})[-/年](\d{1,2})[-/月](\d{1,2})日?', value)
        if m:
            try:
                return datetime.date(*map(int, m.groups()))
            except ValueError:
                return value  # not a day of the calendar: left as the text the roster has
    if field in NUMBERS and re.fullmatch(r'\d+', value):
        return int(value)
    return value

rows = list(csv.reader(open('fixtures/zhuji/roster.csv', encoding='utf-8-sig')))
book = openpyxl.Workbook()
sheet = book.active
sheet.title = '花名册'
sheet.append(rows[0])
for r in rows[1:]:
    sheet.append([cell(f, v) if v != '' else None for f, v in zip(rows[0], r)])
notes = book.create_sheet('说明')
notes.append(['本工作簿由 scripts/make-xlsx-fixture.py 根据 fixtures/zhuji/roster.csv 生成'])
book.save('fixtures/zhuji/roster.xlsx')
