"""The admin app's configuration with the committee's own site (``core.admin_site``); listed in
``INSTALLED_APPS`` instead of ``django.contrib.admin`` so every ``@admin.register`` lands on it."""

from django.contrib.admin.apps import AdminConfig


class LvzhiAdminConfig(AdminConfig):
    default_site = "core.admin_site.LvzhiAdminSite"
