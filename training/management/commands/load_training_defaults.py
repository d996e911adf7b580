from django.core.management.base import BaseCommand

from training.defaults import training_defaults_load


class Command(BaseCommand):
    help = "载入默认培训专题和短板规则（已有的保持不变，缺少的补上）。"

    def handle(self, *args, **options):
        topics, rules = training_defaults_load(actor=None)
        self.stdout.write(
            self.style.SUCCESS(f"新增培训专题 {topics} 个、短板规则 {rules} 条（已有的保持不变）。")
        )
