from django.core.management.base import BaseCommand
from django.db import transaction

from core import clock
from core.demo import DEMO_PASSWORD, DemoContext, run_demo_seeders


class Command(BaseCommand):
    help = "创建演示数据（示范街道、约 60 名四级代表、工委和代表账号）；可重复运行。"

    def handle(self, *args, **options):
        context = DemoContext(today=clock.today())
        with transaction.atomic():
            run_demo_seeders(context)
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。"))
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for role, username, note in context.logins:
            self.stdout.write(f"  {role:<8} {username:<12} {note}")
