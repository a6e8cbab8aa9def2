"""django.contrib.admin with accounts.admin_site.AdministratorAdminSite as `admin.site`."""

from django.contrib.admin.apps import AdminConfig


class AdministratorAdminConfig(AdminConfig):
    """Listed in INSTALLED_APPS in place of django.contrib.admin (Django's "overriding the default admin site"); kept
    apart from the site's module, which imports models and so cannot load while the apps do."""

    default_site = "accounts.admin_site.AdministratorAdminSite"
