from django.core.management.base import BaseCommand, CommandError

from suggestions.unit_export import FORMATS, unit_scores_write


class Command(BaseCommand):
    help = (
        "输出某年度承办单位评分表（报区部门绩效考核）：第一行为工委名称和生成时间；"
        "按 --output 的扩展名写 .xlsx 或 .csv。读取已保存的年度得分。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--output", required=True, help="输出文件，.xlsx 或 .csv")

    def handle(self, *args, year, output, **options):
        if not 2000 <= year <= 2100:
            raise CommandError("--year 应为 2000–2100 之间的年份。")
        if output.rsplit(".", 1)[-1].lower() not in FORMATS:
            raise CommandError("--output 的扩展名应为 .xlsx 或 .csv。")
        count = unit_scores_write(output, year=year)
        self.stdout.write(self.style.SUCCESS(f"已写入 {output}（{count} 家承办单位）。"))
