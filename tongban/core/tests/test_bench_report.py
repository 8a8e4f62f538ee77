from tongban.core.bench import report


def section(seeded_at: str, seconds: float | None = None) -> dict:
    return {"seeded_seconds": seconds, "seeded_at": seeded_at}


def test_a_run_on_the_dataset_an_earlier_run_seeded_keeps_how_long_the_seeding_took() -> None:
    this_run = section("2026-11-29T17:52:01+00:00")

    report.keep_seeding_time(this_run, section("2026-11-29T17:52:01+00:00", 174.0))

    assert this_run["seeded_seconds"] == 174.0


def test_a_dataset_seeded_again_does_not_take_the_time_of_the_one_it_replaced() -> None:
    this_run = section("2026-11-29T17:52:01+00:00")

    report.keep_seeding_time(this_run, section("2026-11-28T15:40:12+00:00", 191.0))
    report.keep_seeding_time(this_run, {"seeded_seconds": 191.0})  # results written before datasets were dated

    assert this_run["seeded_seconds"] is None


def test_a_run_that_seeded_keeps_its_own_time() -> None:
    this_run = section("2026-11-29T17:52:01+00:00", 198.0)

    report.keep_seeding_time(this_run, section("2026-11-29T17:52:01+00:00", 174.0))

    assert this_run["seeded_seconds"] == 198.0
