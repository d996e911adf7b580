"""Build roster files in memory for import tests."""

import io

from openpyxl import Workbook


def xlsx(rows: list[list]) -> io.BytesIO:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "roster.xlsx"
    return buffer


def csv_bytes(text: str) -> io.BytesIO:
    buffer = io.BytesIO(text.encode("utf-8"))
    buffer.name = "roster.csv"
    return buffer


CHINESE_HEADER = ["代表编号", "姓名", "性别", "层级", "选区", "手机", "专业代表小组"]
GOOD_ROWS = [
    CHINESE_HEADER,
    ["A001", "王芳", "女", "区人大代表", "第一选区", "13900000001", "城市建设组"],
    ["A002", "李强", "男", "street", "第二选区", "13900000002", ""],
    ["A003", "赵敏", "女", "省人大代表", "第一选区", "13900000003", "城市建设组"],
]
