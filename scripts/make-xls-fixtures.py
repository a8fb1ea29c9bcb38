#!/usr/bin/env python3
"""Write the Excel 97-2003 (.xls) workbooks the tests read, with writers other than ours: openpyxl makes each as .xlsx,
LibreOffice (soffice --headless --convert-to xls) saves it as .xls, as a clerk's "save as Excel 97-2003" would.
- fixtures/zhuji/roster.xls: fixtures/zhuji/roster.xlsx saved as .xls;
- test/workbooks/features.xls: a roster sheet with a merged title, date formats, formulas (number, text, error),
  a boolean, merged cells below the header, a hidden row, an ID typed as a number; a hidden sheet; a long sheet of
  3000 names (its shared strings run over several CONTINUE records, in one- and two-byte characters);
- test/workbooks/dates-1904.xls: a workbook on the 1904 date system;
- test/workbooks/xlwt.xls: written by xlwt (as many a records system exports rosters): booleans, an error, a hidden row.
Run from the repository root: python3 scripts/make-xls-fixtures.py (needs python3-openpyxl, python3-xlwt and
libreoffice-calc-nogui from Debian). LibreOffice saves no password from the command line: the tests make password-protected files by
changing the bytes of these."""
import datetime
import os
import shutil
import subprocess
import tempfile

import openpyxl
import xlwt
from openpyxl.utils.datetime import CALENDAR_MAC_1904

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def resident_id(area_birth, seq):
    """A resident ID with its GB 11643 check digit: 14 digits of area and birth date, then a 3-digit sequence."""
    body = f'{area_birth}{seq:03d}'
    check = '10X98765432'[sum(int(c) * w for c, w in zip(body, WEIGHTS)) % 11]
    return body + check


def to_xls(book, dest):
    """Save `book` as .xlsx in a temporary folder and have LibreOffice save it as `dest` (.xls)."""
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, os.path.basename(dest)[:-4] + '.xlsx')
        book.save(src) if not isinstance(book, str) else shutil.copy(book, src)
        subprocess.run(['soffice', '--headless', '--convert-to', 'xls', '--outdir', tmp, src], check=True, capture_output=True)
        shutil.copy(src[:-5] + '.xls', dest)


def features():
    book = openpyxl.Workbook()
    s = book.active
    s.title = '花名册'
    s.append(['诸暨市职业技能培训补贴花名册（测试）'])
    s.merge_cells('A1:L1')
    s.append(['序号', '身份证号', '姓名', '补贴项目', '取证日期', '职业(工种)', '等级', '证书类型', '人员类别', '培训天数', '培训费用', '备注'])
    cn_date = 'yyyy"年"m"月"d"日"'
    rows = [
        [1, resident_id('33068119900101', 1), '张三', 'cert_training', datetime.date(2020, 5, 10), '电工', '四级', '技能等级', 'two_after;rural', 15, None, None],
        [2, resident_id('33068119900101', 2), '李四', 'cert_training', datetime.date(2020, 6, 1), '=CONCATENATE("焊","工")', '高级工', '职业资格', None, None, '=1000+1800', True],
        [3, resident_id('33068119900101', 3), '王五', 'cert_training', datetime.date(2020, 7, 1), '钳工', '技师', '技能等级', None, None, 1234.5, '=1/0'],
        [4, resident_id('33068119900101', 4), '赵六', None, datetime.date(2020, 7, 1), '钳工', '技师', '技能等级', None, None, 900, None],
        [5, resident_id('33068119900101', 5), '钱七', 'cert_training', datetime.date(2020, 8, 3), '茶艺师', '五级', '技能等级', None, None, 600, '隐藏行'],
        [6, int(resident_id('33068119900101', 6)), '孙八', 'cert_training', datetime.date(2020, 8, 3), '电工', '四级', '技能等级', None, None, 1000, '身份证号输成数字'],
        [7, resident_id('33068119900101', 7), '周九', 'cert_training', datetime.date(2020, 9, 9), '电工', '四级', '技能等级', None, None, 2800, '合并的费用'],
        [8, resident_id('33068119900101', 8), '吴十', 'cert_training', datetime.date(2020, 9, 9), '电工', '四级', '技能等级', None, None, None, None],
    ]
    for r in rows:
        s.append(r)
    for row in range(3, 3 + len(rows)):
        s.cell(row, 5).number_format = cn_date if row % 2 else 'yyyy-mm-dd'
    s.merge_cells('D6:D6')  # nothing: a one-cell merge, which Excel drops
    s.merge_cells('D5:D6')  # the programme merged over 王五 and 赵六
    s.merge_cells('K9:K10')  # the cost merged over 周九 and 吴十
    s.row_dimensions[7].hidden = True  # 钱七
    hidden = book.create_sheet('隐藏')
    hidden.append(['不应读取'])
    hidden.sheet_state = 'hidden'
    long = book.create_sheet('长名单')
    long.append(['身份证号', '姓名', '补贴项目', '取证日期', '职业(工种)', '等级', '证书类型', '培训费用'])
    for i in range(1, 3001):
        name = f'Trainee {i}' if i % 3 == 0 else f'学员{i}号'
        long.append([resident_id(f'3306812000{(i % 12) + 1:02d}15', i % 1000), name, 'cert_training', datetime.date(2021, 1 + i % 12, 1 + i % 28), '电工', '五级', '技能等级', 100 + i])
        long.cell(i + 1, 4).number_format = 'yyyy-mm-dd'
    notes = book.create_sheet('说明')
    notes.append(['本工作簿由 scripts/make-xls-fixtures.py 生成 (openpyxl, LibreOffice 另存为 .xls)'])
    to_xls(book, 'test/workbooks/features.xls')


def dates_1904():
    book = openpyxl.Workbook()
    book.epoch = CALENDAR_MAC_1904
    s = book.active
    s.title = '花名册'
    s.append(['身份证号', '姓名', '补贴项目', '取证日期', '职业(工种)', '等级', '证书类型', '培训费用'])
    s.append([resident_id('33068119900101', 1), '张三', 'cert_training', datetime.date(2020, 5, 10), '电工', '四级', '技能等级', 1500])
    s.append([resident_id('33068119900101', 2), '李四', 'cert_training', datetime.date(2021, 12, 31), '焊工', '三级', '技能等级', 2800])
    for row in (2, 3):
        s.cell(row, 4).number_format = 'yyyy-mm-dd'
    to_xls(book, 'test/workbooks/dates-1904.xls')


def by_xlwt():
    book = xlwt.Workbook(encoding='utf-8')
    s = book.add_sheet('导出')
    date = xlwt.easyxf(num_format_str='YYYY-MM-DD')
    header = ['身份证号', '姓名', '补贴项目', '取证日期', '职业(工种)', '等级', '证书类型', '培训费用', '已审核', '备注']
    for c, h in enumerate(header):
        s.write(0, c, h)
    rows = [
        [resident_id('33068119900101', 1), '张三', 'cert_training', datetime.date(2020, 5, 10), '电工', '四级', '技能等级', 1500, True, ''],
        [resident_id('33068119900101', 2), '李四', 'cert_training', datetime.date(2020, 6, 1), '焊工', '三级', '技能等级', 2800.5, False, xlwt.Formula('1/0')],
        [resident_id('33068119900101', 3), '王五', 'cert_training', datetime.date(2020, 7, 1), '钳工', '五级', '技能等级', 600, True, '隐藏行'],
    ]
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row):
            if isinstance(v, datetime.date):
                s.write(r, c, v, date)
            elif v != '':
                s.write(r, c, v)
    s.row(3).hidden = True
    book.save('test/workbooks/xlwt.xls')


os.makedirs('test/workbooks', exist_ok=True)
to_xls('fixtures/zhuji/roster.xlsx', 'fixtures/zhuji/roster.xls')
features()
dates_1904()
by_xlwt()
