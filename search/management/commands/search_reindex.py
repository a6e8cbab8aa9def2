"""`manage.py search_reindex [--kind supply|demand|notice|direct]`: rebuild the search index of each kind into a new
index and swap the alias, with a progress bar; searches keep answering from the old index until the swap."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from elasticsearch.exceptions import ApiError, TransportError
from tqdm import tqdm

from search.indexing import KINDS, REINDEX_CHUNK, IndexingUnavailable, ReindexRunning, reindex, reindex_count


class Command(BaseCommand):
    help = (
        "Rebuild the supply, demand, notice and direct-deal search indices from the database; swap aliases without"
        " downtime."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--kind", choices=KINDS, action="append", help="only this kind (repeatable); default: all")
        parser.add_argument("--chunk-size", type=int, default=REINDEX_CHUNK, help="rows per database fetch and bulk")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar (logs and CI)")

    def handle(self, *args: Any, **options: Any) -> None:
        for kind in options["kind"] or KINDS:
            bar = tqdm(
                total=reindex_count(kind),
                desc=kind,
                unit=" docs",
                file=self.stderr._out,
                disable=options["no_progress"],
            )
            try:
                result = reindex(kind, chunk_size=options["chunk_size"], progress=bar.update)
            except ReindexRunning as exc:
                raise CommandError(f"{exc}; try again when it has finished") from exc
            except (IndexingUnavailable, TransportError, ApiError) as exc:
                raise CommandError(f"Elasticsearch did not take the {kind} index: {exc}") from exc
            finally:
                bar.close()
            removed = ", ".join(result.removed) or "nothing"
            self.stdout.write(
                f"{kind}: {result.documents} documents in {result.index}, now behind the alias; removed {removed}"
            )
