// A roster as a web system's 导出Excel writes it (an HTML page named .xls), for the tests of reading one.

/** A page as a 人社 web system exports it: GB2312 named in its head, a search form's table first, the roster below with a title row spread over every column. */
export const EXPORT = `<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel">
<head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>导出</title><style>td{mso-number-format:"\\@";}</style></head>
<body>
<table><tr><td>查询条件: 诸暨市 2020年</td></tr></table>
<table border="1">
<tr><td colspan="8" align="center">诸暨市职业技能培训补贴花名册</td></tr>
<tr><th>序号</th><th>身份证号</th><th>姓名</th><th>补贴项目</th><th>取证日期</th><th>职业(工种)</th><th>等级</th><th>培训费用</th></tr>
<tr><td>1</td><td style="mso-number-format:'\\@'">330681199001010015</td><td>张&nbsp;三</td><td rowspan="2">cert_training</td><td>2020-05-10</td><td>电工</td><td>四级</td><td>1,500.00</td></tr>
<tr><td>2</td><td>330681199001010023</td><td>李四<br>(补录)</td><td>2020-06-01</td><td>焊工</td><td>高级工</td><td>2800</td></tr>
<tr><td>3</td><td>330681199001010031</td><td>王五</td><td>cert_training</td><td>2020年7月1日</td><td>钳工</td><td>三级</td><td rowspan="2">3000</td></tr>
<tr><td>4</td><td>33068119900101004X</td><td>赵六</td><td>cert_training</td><td>2020-07-01</td><td>钳工</td><td>三级</td></tr>
</table>
</body></html>
`;
