"""`manage.py generate_scale --markets 30 --years 10 [--scale 0.01]`: years of data for the
benchmark, written in bulk (see campaigndesk.core.scale)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from campaigndesk.core.scale import generate, targets


class Command(BaseCommand):
    help = "Generates years of realistic data for the benchmark (bulk inserts)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--markets", type=int, default=30)
        parser.add_argument("--years", type=int, default=10)
        parser.add_argument(
            "--scale", type=float, default=1.0, help="factor on the row counts (0.01: a quick run)"
        )
        parser.add_argument("--seed", type=int, default=11)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        want = targets(markets=options["markets"], years=options["years"], scale=options["scale"])
        self.stdout.write("targets: " + ", ".join(f"{k} {v}" for k, v in want.items()))
        counts = generate(
            markets=options["markets"],
            years=options["years"],
            scale=options["scale"],
            seed=options["seed"],
            log=lambda message: self.stdout.write(f"  {message}"),
        )
        for table, count in sorted(counts.items()):
            self.stdout.write(f"{table:40} {count:>10}")
        self.stdout.write(f"done in {time.monotonic() - started:.1f}s")
