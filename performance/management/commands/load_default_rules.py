from django.core.management.base import BaseCommand, CommandError

from performance.services import LedgerError, rule_set_load_defaults


class Command(BaseCommand):
    help = "载入某年度的默认积分规则（已有的规则保持不变，缺少的补上）。"

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)

    def handle(self, *args, **options):
        try:
            rule_set = rule_set_load_defaults(year=options["year"])
        except LedgerError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"{rule_set}：{rule_set.rules.count()} 条积分规则。"))
