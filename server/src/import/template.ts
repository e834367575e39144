// `--template KIND`: an XLSX whose first sheet has the headers (required ones marked *) and an
// example row, and whose second sheet says what each column takes.
import ExcelJS from 'exceljs';
import { KINDS, type ImportKind } from './kinds.ts';

const TYPE_ZH: Record<string, string> = {
  id: '编号（文字）', text: '文字', datetime: '日期或日期时间', number: '数字', seconds: '秒数（或 7分、6:30）',
  code: '选项', boolean: '是/否', lng: '经度（WGS84）', lat: '纬度（WGS84）',
};

export async function writeTemplate(kind: ImportKind, file: string): Promise<void> {
  const spec = KINDS[kind];
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(spec.zh);
  const header = sheet.addRow(spec.fields.map((f) => `${f.headers[0] ?? f.key}${f.required ? '*' : ''}`));
  header.font = { bold: true };
  sheet.addRow(spec.fields.map((f) => (f.example === '' ? null : f.example)));
  spec.fields.forEach((f, i) => {
    sheet.getColumn(i + 1).width = Math.max(12, (f.headers[0] ?? f.key).length * 2 + 4);
  });
  const notes = workbook.addWorksheet('说明');
  notes.addRow(['列名', '字段 (API)', '必填', '类型', '也认的列名', '可填的值']).font = { bold: true };
  for (const f of spec.fields) {
    notes.addRow([
      f.headers[0] ?? f.key, f.key, f.required ? '是' : '', TYPE_ZH[f.type] ?? f.type, f.headers.slice(1).join('、'),
      (f.codes ?? []).map((c) => c.zh).join('、'),
    ]);
  }
  notes.addRow([]);
  notes.addRow(['只读第一张工作表；表头上方可以有标题行，末尾的合计行会跳过。没有编号列时按整行内容生成编号，同一文件重复导入不会重复计数。']);
  await workbook.xlsx.writeFile(file);
}
