// Which rows under a roster's data are its sign-off (制表人：…, 以下空白, numbered notes): set aside as neither claims nor rejects, and which stay claims.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { skippedKind } from '../../src/io/rowKinds.js';
import { P1 } from '../helpers.js';

// 序号 (read by nobody), 姓名, 身份证号码, 补贴项目, 日期.
const header = { fields: ['', 'name', 'person_id', 'program', 'date'], labels: ['序号', '姓名', '身份证号码', '补贴项目', '日期'] };
const kind = (...cells: string[]): string | undefined => skippedKind(header, cells);

describe('sign-off rows', () => {
  it.each([
    ['制表人：张三'], ['制表人:张三'], ['制表人'], ['填表人：'], ['填报人 李四'], ['审核人：'], ['审核：王五'], ['复核人：'], ['经办人：'],
    ['单位负责人：'], ['部门负责人：'], ['分管领导：'], ['领导签字：'], ['联系人：赵六'], ['联系电话：0575-87000000'], ['填报日期：2020年6月30日'],
    ['制表日期：2020-06-30'], ['填报单位：某某培训学校'], ['单位（盖章）'], ['（盖章）'], ['(盖章)'], ['填报单位（盖章）：'], ['备注：'], ['说明：1.本表由培训机构填写'],
    ['注：本表一式三份'], ['注:'], ['附注：'], ['注意事项：'], ['以下空白'], ['以下空白。'], ['以下无内容'],
    ['1.本表由培训机构填写'], ['2、身份证号码须与身份证一致'], ['（3）结业日期填发证日期'], ['4) 一式三份'],
  ])('%s in the first column is a sign-off row', (label) => {
    expect(kind(label, '', '', '', '')).toBe('footer');
  });

  it("a note's unnumbered sentence alone in its row is a sign-off row; with another cell, or without a sentence's punctuation, it is not", () => {
    expect(kind('', '本表一式三份，报人社局就业科。', '', '', '')).toBe('footer');
    expect(kind('', '', '身份证号码须填18位；姓名须与身份证一致', '', '')).toBe('footer');
    expect(kind('', '培训结束后一个月内申报。', '', '', '')).toBe('footer');
    expect(kind('', '本表一式三份，报人社局。', '', '', '2020-06-01')).toBeUndefined(); // a date beside it: a claim (a reject)
    expect(kind('', '王芳', '', '', '')).toBeUndefined(); // a name alone: a claim without ID or programme (a reject)
    expect(kind('', '欧阳娜娜，补录', '', '', '')).toBeUndefined(); // too short for a sentence
    expect(kind('', '补录：330681199001010015，王芳', '', '', '')).toBeUndefined(); // an ID's digits: kept as a reject, to be seen
    expect(kind('', 'Note, this form is filled in.', '', '', '')).toBeUndefined();
  });

  it('the label may stand in the first column read, the ID or the 补贴项目 column; other labels may fill the row', () => {
    expect(kind('', '填报日期：2020年6月30日', '', '', '')).toBe('footer');
    expect(kind('', '', '制表人：张三', '审核人：李四', '')).toBe('footer');
    expect(kind('制表人：张三', '', '', '审核人：李四', '单位负责人：王五')).toBe('footer');
  });

  it('a row with an ID or a programme is a claim whatever its first column says; words that only start like a label are no label', () => {
    expect(kind('备注：补录', '张三', P1, 'cert_training', '2020-06-01')).toBeUndefined();
    expect(kind('说明：', '某某公司', '', 'cert_training', '2020-06-01')).toBeUndefined();
    expect(kind('', '注', '', '', '')).toBeUndefined(); // 注 only with a colon (in a column read: a name)
    expect(kind('', '注册会计师', '', '', '')).toBeUndefined();
    expect(kind('', '说明书编写', '', '', '')).toBeUndefined();
    expect(kind('', '审核通过', '', '', '')).toBeUndefined();
    expect(kind('', '以下', '', '', '')).toBeUndefined();
    expect(kind('1', '王芳', '', '', '')).toBeUndefined(); // a 序号 and a name: a claim (rejected: no ID, no programme)
    expect(kind('1.', '王芳', '', '', '')).toBeUndefined();
    expect(kind('', '1.5万', '', '', '')).toBeUndefined();
    expect(kind('2、补录', '王芳', P1, 'cert_training', '2020-06-01')).toBeUndefined(); // a note in the 序号 column of a claim
    expect(kind('1', '制表人：张三', '', '', '')).toBeUndefined(); // a 序号 first: the row is a claim (and a reject)
    expect(kind('注册会计师', '', '', '', '')).toBe('empty'); // the first column alone: every column read is blank
    expect(kind('', '', '', '', '')).toBe('empty');
    expect(kind('合计', '', '', '', '')).toBe('totals');
  });

  it('property: a row that gives a valid ID or a programme id is never set aside as a sign-off, whatever its other cells say', () => {
    const label = fc.constantFrom('制表人：张三', '审核人：', '注：一式三份', '本表一式三份，报人社局就业科。', '以下空白', '1.本表由培训机构填写', '（盖章）', '说明：', '', '王芳', '1');
    const program = fc.constantFrom('cert_training', 'safety_training', '特种作业安全技能培训补贴');
    fc.assert(
      fc.property(label, label, label, program, (first, name, date, prog) => {
        expect(kind(first, name, P1, date, '2020-06-01')).not.toBe('footer');
        expect(kind(first, name, '', prog, date)).not.toBe('footer');
      }),
    );
  });
});
