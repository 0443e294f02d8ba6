from django.core.management.base import BaseCommand, CommandError

from cameras.sweep import sweep_site
from sites.models import Site


class Command(BaseCommand):
    help = "Sweep stream status and reconcile tickets now, synchronously; print what changed."

    def add_arguments(self, parser):
        parser.add_argument("--site", metavar="SLUG", help="only this site (default: every site)")

    def handle(self, *args, site=None, **options):
        sites = Site.objects.order_by("slug")
        if site:
            sites = sites.filter(slug=site)
            if not sites.exists():
                raise CommandError(f"No site with slug {site!r}.")
        for site_id, slug in sites.values_list("id", "slug"):
            result = sweep_site(site_id, full=True)
            tickets = result.tickets
            self.stdout.write(
                f"{slug}: {result.streams_stopped} streams marked not recording; tickets "
                f"opened {len(tickets.opened)}, reopened {len(tickets.reopened)}, "
                f"resolved {len(tickets.resolved)} ({tickets.cameras} cameras reconciled)"
            )
            for verb, lines in (
                ("opened", tickets.opened),
                ("reopened", tickets.reopened),
                ("resolved", tickets.resolved),
            ):
                for line in lines:
                    self.stdout.write(f"  {verb:>8}  {line}")
